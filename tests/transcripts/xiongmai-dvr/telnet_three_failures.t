# BusyBox login: three wrong passwords close the connection; NAWS and IAC replies are read, not answered
# recorded from the daemon, then read byte by byte against the
# persona's sources (docs/personas.md) before it was pinned here
< b'\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\nLocalHost login: '
> b'\xff\xfc\x01\xff\xfb\x1f\xff\xfa\x1f\x00P\x00\x18\xff\xf0\xff\xfd\x01\xff\xfd\x03'
> b'root\r'
< b'root\r\nPassword: '
> b'\n'
> b'a\r\x00'
< b'\r\nLogin incorrect\r\nLocalHost login: '
> b'admin\r\n'
< b'admin\r\nPassword: '
> b'b\r\n'
< b'\r\nLogin incorrect\r\nLocalHost login: '
> b'guest\n'
< b'guest\r\nPassword: '
> b'c\r\n'
< b'\r\nLogin incorrect\r\n'
= closed
