#!/usr/bin/env python3
"""A stand-in for the running daemon's HTTP endpoint: serves one fixed /status document.

usage: status-server.py DOCUMENT_FILE
Listens on an ephemeral 127.0.0.1 port, prints the port on stdout, and answers GET /status with the
file's bytes (application/json) until it is terminated; every other path gets 404.
"""
import http.server
import sys

document = open(sys.argv[1], "rb").read()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/status":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(document)))
        self.end_headers()
        self.wfile.write(document)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
