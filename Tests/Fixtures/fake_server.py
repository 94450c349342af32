"""What the scripted fake model APIs in this folder share: a quiet HTTP/1.1 handler that
reads and writes JSON and starts event streams, and serving on an ephemeral loopback port
written to a file (through a rename, so a reader never sees half of it)."""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_json(self):
        length = int(self.headers.get("content-length", 0))
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            return {}

    def reply_json(self, value, status=200):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def start_events(self):
        """Headers of a server-sent event stream that ends with the connection."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True



# The name the screen fixtures' servers use.
JSONHandler = Handler


def pieces(text, seconds):
    """The text in one piece, or word by word spread over `seconds` (a model still streaming)."""
    if not seconds:
        yield text
        return
    words = text.split(" ")
    for i, word in enumerate(words):
        if i:
            time.sleep(seconds / len(words))
        yield word + (" " if i < len(words) - 1 else "")


def serve(handler, portfile):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
