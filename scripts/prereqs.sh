# Sourced by the scripts: installs what a fresh Debian machine lacks (the .NET SDK itself is
# expected; global.json pins its version). Quiet when everything is already there.
need=()
command -v git >/dev/null 2>&1 || need+=(git)
ldconfig -p 2>/dev/null | grep -q 'libgomp.so.1' || need+=(libgomp1)   # LightGBM's native library needs OpenMP
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "please install: ${need[*]} (apt-get install ${need[*]})" >&2
  fi
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
