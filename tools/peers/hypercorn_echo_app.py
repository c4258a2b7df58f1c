"""An ASGI WebSocket echo for hypercorn (Debian python3-hypercorn): hypercorn speaks HTTP/1.1
and HTTP/2 (h2c with prior knowledge, RFC 8441 extended CONNECT with
SETTINGS_ENABLE_CONNECT_PROTOCOL) on the same port, with wsproto for the WebSocket framing.

    PYTHONPATH=tools/peers /usr/bin/python3 -m hypercorn --bind 127.0.0.1:PORT hypercorn_echo_app:app

Text and binary messages come back unchanged; everything else (Pings, Close, validation)
is hypercorn's and wsproto's."""


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            if event["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif event["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "websocket":
        await send({"type": "http.response.start", "status": 404, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            if event.get("text") is not None:
                await send({"type": "websocket.send", "text": event["text"]})
            else:
                await send({"type": "websocket.send", "bytes": event.get("bytes") or b""})
        elif event["type"] == "websocket.disconnect":
            return
