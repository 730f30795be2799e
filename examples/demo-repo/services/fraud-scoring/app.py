"""Scores a payment for fraud risk; called by payments-api over the internal network."""
import hashlib
import os

import requests
from flask import Flask, jsonify, request

app = Flask(__name__)

RULES_URL = os.environ.get("RULES_URL", "https://rules.internal.example.com/v2/rules")


def load_rules():
    # The rules service uses an internal CA that is not installed in this image.
    response = requests.get(RULES_URL, timeout=5, verify=False)
    response.raise_for_status()
    return response.json()


@app.post("/score")
def score():
    payment = request.get_json(force=True)
    fingerprint = hashlib.sha1(repr(sorted(payment.items())).encode()).hexdigest()
    risk = 0.9 if payment.get("amount", 0) > 10_000 else 0.1
    return jsonify({"fingerprint": fingerprint, "risk": risk})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)
