! proto miniigd
# An action the device does not have: UPnP error 401 in a 500.
> b'POST /upnp/control/WANIPConn1 HTTP/1.1\r\nSOAPAction: "urn:schemas-upnp-org:service:WANIPConnection:1#SetNothing"\r\nContent-Length: 0\r\n\r\n'
< b'HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/xml; charset="utf-8"\r\nConnection: close\r\nContent-Length: 398\r\nServer: miniupnpd/1.0 UPnP/1.0\r\nExt:\r\n\r\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>401</errorCode><errorDescription>Invalid Action</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>'
= closed
