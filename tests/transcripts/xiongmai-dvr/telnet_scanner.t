! nmap name=telnet product='BusyBox telnetd' hostname=LocalHost
# Mirai scanner: wrong password, then root/xc3511, enable/system/shell/sh, the token, exit
# recorded from the daemon, then read byte by byte against the
# persona's sources (docs/personas.md) before it was pinned here
< b'\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\nLocalHost login: '
> b'root\r\n'
< b'root\r\nPassword: '
> b'bad\r\n'
< b'\r\nLogin incorrect\r\nLocalHost login: '
> b'root\r\n'
< b'root\r\nPassword: '
> b'xc3511\r\n'
< b'\r\nWelcome to HiLinux.\r\n# '
> b'enable\r\n'
< b'enable\r\n-sh: enable: not found\r\n# '
> b'system\r\n'
< b'system\r\n-sh: system: not found\r\n# '
> b'shell\r\n'
< b'shell\r\n-sh: shell: not found\r\n# '
> b'sh\r\n'
< b'sh\r\n# '
> b'/bin/busybox MIRAI\r\n'
< b'/bin/busybox MIRAI\r\nMIRAI: applet not found\r\n# '
> b'exit\r\n'
< b'exit\r\n# '
> b'exit\r\n'
< b'exit\r\n'
= closed
