#!/bin/sh
set -eu
echo "setting up"
timedatectl set-ntp false
