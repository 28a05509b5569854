// The tests run /bin/sh commands and kill processes with SIGKILL: they are Unix tests.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
