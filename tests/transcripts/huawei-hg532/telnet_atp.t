! nmap name=telnet product='Huawei STC router telnetd' devicetype='broadband router'
# HG532 ATP CLI: Login:/Password:, ATP>, unknown command, shell into BusyBox ash 1.9.1, exit back, quit
# recorded from the daemon, then read byte by byte against the
# persona's sources (docs/personas.md) before it was pinned here
< b'\xff\xfb\x01\xff\xfb\x03\xff\xfb\x18\n\rWelcome Visiting Huawei  Home Gateway\n\rCopyright by Huawei Technologies Co., Ltd.\n\rLogin:'
> b'admin\r\n'
< b'admin\r\nPassword:'
> b'admin\r\n'
< b'\r\nATP>'
> b'enable\r\n'
< b'enable\r\nCommand failed.\r\nATP>'
> b'system\r\n'
< b'system\r\nCommand failed.\r\nATP>'
> b'shell\r\n'
< b"shell\r\n\r\nBusyBox vv1.9.1 (2014-03-14 16:40:52 CST) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n# "
> b'/bin/busybox MIRAI\r\n'
< b'/bin/busybox MIRAI\r\nMIRAI: applet not found\r\n# '
> b'exit\r\n'
< b'exit\r\nATP>'
> b'quit\r\n'
< b'quit\r\n'
= closed
