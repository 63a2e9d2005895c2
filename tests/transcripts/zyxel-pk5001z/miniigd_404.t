! proto miniigd
# Unknown path: the SDK's fixed 404.
> b'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
< b'HTTP/1.1 404 Not found\r\nConnection: close\r\nContent-type: text/html\r\n\r\n<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD><BODY><H1>Not Found</H1>The requested URL was not found on this server.</BODY></HTML>\r\n'
= closed
