! nmap name=telnet product='BusyBox telnetd' hostname=PK5001Z
# PK5001Z: admin/CenturyL1nk gives the user shell, su with zyad5001 gives root, zyfwinfo
# recorded from the daemon, then read byte by byte against the
# persona's sources (docs/personas.md) before it was pinned here
< b'\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\nPK5001Z login: '
> b'admin\r\n'
< b'admin\r\nPassword: '
> b'CenturyL1nk\r\n'
< b'\r\n\r\n$ '
> b'id\r\n'
< b'id\r\n-sh: id: not found\r\n$ '
> b'su\r\n'
< b'su\r\nPassword: '
> b'wrong\r\n'
< b'\r\nsu: incorrect password\r\n$ '
> b'su\r\n'
< b'su\r\nPassword: '
> b'zyad5001\r\n'
< b'\r\n# '
> b'cat /etc/zyfwinfo\r\n'
< b'cat /etc/zyfwinfo\r\nVendor Name: ZyXEL Communications Corp.\r\nProduct Model: PK5001Z\r\nFirmware Version: PK5K1A-2.09\r\nSerial Number: S140Y5192284738\r\nMAC Address: 40:4A:03:7E:AE:EB\r\n# '
> b'/bin/busybox ECCHI\r\n'
< b'/bin/busybox ECCHI\r\nECCHI: applet not found\r\n# '
> b'exit\r\n'
< b'exit\r\n$ '
> b'exit\r\n'
< b'exit\r\n'
= closed
