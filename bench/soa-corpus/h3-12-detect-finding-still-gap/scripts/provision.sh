#!/bin/sh
set -eu
timedatectl set-ntp false
