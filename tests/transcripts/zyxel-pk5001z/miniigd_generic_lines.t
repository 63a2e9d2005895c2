! proto miniigd
! nmap name=upnp product=MiniUPnP
# nmap's GenericLines probe: an empty request line is an unknown method.
# The SDK's fixed 501 (no Server header) is what nmap names MiniUPnP.
> b'\r\n\r\n'
< b'HTTP/1.1 501 Not Implemented\r\nConnection: close\r\nContent-type: text/html\r\n\r\n<HTML><HEAD><TITLE>501 Not Implemented</TITLE></HEAD><BODY><H1>Not Implemented</H1>The HTTP Method is not implemented by this server.</BODY></HTML>\r\n'
= closed
