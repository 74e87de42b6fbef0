"""Status digests: built as data (`build_digest`), rendered by templates (`render`)."""

from tracker.digest.data import Digest, build_digest, subject
from tracker.digest.render import FORMATS, render

__all__ = ["FORMATS", "Digest", "build_digest", "render", "subject"]
