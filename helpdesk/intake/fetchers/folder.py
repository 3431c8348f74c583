"""A drop folder of .eml files (channel "files"): each file is taken in, then moved to a processed folder.

Settings in Mailbox.settings:

    path            folder to read (required)
    processed_path  where handled files go, default <path>/processed
    suffix          file names to take, default ".eml"

The move is the acknowledgement: it happens only after the ticket change has
committed, so a crash in between leaves the file in place, and taking it in again
is recorded as a duplicate.
"""

import os

from ..models import MailChannel
from . import Found, ProbeError, register


class FolderFetcher:
    def __init__(self, path: str, processed_path: str | None = None, suffix: str = ".eml"):
        self.path = path
        self.processed_path = processed_path or os.path.join(path, "processed")
        self.suffix = suffix

    def fetch(self):
        """(file name, raw bytes) of every waiting file, oldest name first."""
        os.makedirs(self.processed_path, exist_ok=True)
        for name in sorted(os.listdir(self.path)):
            full = os.path.join(self.path, name)
            if not name.endswith(self.suffix) or not os.path.isfile(full):
                continue
            try:
                with open(full, "rb") as fh:
                    raw = fh.read()
            except FileNotFoundError:  # another consumer took it
                continue
            yield name, raw

    def acknowledge(self, handle) -> None:
        """Move the file out of the way; a name already there gets a numbered suffix."""
        target = os.path.join(self.processed_path, handle)
        number = 1
        while os.path.exists(target):
            target = os.path.join(self.processed_path, f"{handle}.{number}")
            number += 1
        os.replace(os.path.join(self.path, handle), target)

    def close(self) -> None:
        pass


def folder_fetcher(mailbox) -> FolderFetcher:
    settings = mailbox.settings or {}
    if not settings.get("path"):
        raise ValueError(f"mailbox {mailbox.name}: settings.path (the folder to read) is missing")
    return FolderFetcher(settings["path"], settings.get("processed_path"), settings.get("suffix", ".eml"))


def probe(name: str, address: str, settings: dict, credential, *, timeout: float) -> Found:
    """Whether the drop folder exists and may be read and emptied, and how many files wait; moves nothing."""
    path = settings.get("path")
    if not path:
        raise ProbeError("settings", "path is required")
    if not os.path.isdir(path):
        raise ProbeError("path", path=path)
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise ProbeError("path_access", path=path)
    suffix = settings.get("suffix") or ".eml"
    waiting = sum(1 for entry in os.scandir(path) if entry.name.endswith(suffix) and entry.is_file())
    processed = settings.get("processed_path") or os.path.join(path, "processed")
    return Found(server="", account="", folder=path, total=waiting, processed_folder=processed,
                 processed_exists=os.path.isdir(processed))


register(MailChannel.FILES, folder_fetcher, probe)
