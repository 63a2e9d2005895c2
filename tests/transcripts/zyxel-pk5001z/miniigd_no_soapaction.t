! proto miniigd
# POST without SOAPAction: 400 with the SDK's short body, Content-Type text/xml.
> b'POST /picsdesc.xml HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd'
< b'HTTP/1.1 400 Bad Request\r\nContent-Type: text/xml; charset="utf-8"\r\nConnection: close\r\nContent-Length: 37\r\nServer: miniupnpd/1.0 UPnP/1.0\r\nExt:\r\n\r\n<html><body>Bad request</body></html>'
= closed
