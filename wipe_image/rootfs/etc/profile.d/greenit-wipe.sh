# The station's configuration (written at boot by greenit-station) for greenit-wipe.
if [ -r /run/greenit-wipe/env ]; then
  set -a
  . /run/greenit-wipe/env
  set +a
fi
if [ "$(tty)" = /dev/tty1 ]; then
  echo "greenit wipe station. Commands: greenit-wipe list | wipe DEV --asset-tag T --confirm-serial S | flush | status"
  greenit-wipe list
fi
