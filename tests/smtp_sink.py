"""An SMTP server on loopback for the e-mail tests: saves each message it receives as a
file in a directory, and prints its port once it is listening.

    python3 tests/smtp_sink.py DIRECTORY PORT
"""

import os
import sys

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        name = os.path.join(self.directory, f"{self.count:04}.eml")
        # Write then rename, so the test never reads half a message.
        with open(name + ".part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(name + ".part", name)
        return "250 Message accepted"


def main():
    directory, port = sys.argv[1], int(sys.argv[2])
    controller = Controller(SaveToDirectory(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(port, flush=True)
    try:
        # Ends when the test kills the process or closes stdin.
        while sys.stdin.read(1):
            pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
