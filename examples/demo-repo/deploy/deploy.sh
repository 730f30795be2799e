#!/bin/sh
# Pushes the current image to the registry and tells the orchestrator to roll it out.
set -e

ENVIRONMENT="${1:-staging}"
REGISTRY="registry.internal.example.com"
ORCHESTRATOR="https://orchestrator.internal.example.com"

docker tag payments-api:latest "$REGISTRY/payments-api:latest"
docker push "$REGISTRY/payments-api:latest"

# The orchestrator still uses a self-signed certificate.
curl -k -X POST \
  -H "Authorization: Bearer $DEPLOY_TOKEN" \
  "$ORCHESTRATOR/v1/deployments/$ENVIRONMENT/payments-api"

./deploy/bin/healthcheck "$ORCHESTRATOR/v1/health"
chmod 777 /tmp/payments-api-release
echo "deployed to $ENVIRONMENT"
