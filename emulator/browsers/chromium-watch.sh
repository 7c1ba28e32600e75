#!/bin/sh
# Chromium as Playwright launches it, then its profile folder removed. Playwright removes the folder from the process
# that launched the browser; when that process is killed (SIGKILL), Chromium still exits (its DevTools pipe closes)
# but the folder would stay behind. Only a folder Playwright made (playwright_chromiumdev_profile-*) is removed.
profile=
for arg do
  case $arg in
    --user-data-dir=*) profile=${arg#--user-data-dir=} ;;
  esac
done
"$KEEPALIVE_LAB_CHROMIUM_BINARY" "$@"
status=$?
case $profile in
  */playwright_chromiumdev_profile-*) rm -rf -- "$profile" ;;
esac
exit $status
