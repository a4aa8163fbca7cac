"""The real-scan set is well-formed: its manifest parses, says where every image comes from,
labels only known entity types, holds every third image out, and (once ``python
bench/real_scans.py --prepare`` has written them) names files that exist. No OCR here."""

from __future__ import annotations

import json
import re

import pytest

from bench.real_scans import GROUP_OF, IMAGES, MANIFEST, SPLITS, norm, read_manifest
from recognizers.registry import all_entities

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
HEX = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def test_manifest_parses_and_says_where_each_image_comes_from() -> None:
    images = read_manifest()
    assert len(images) >= 20
    assert len({i.file for i in images}) == len(images)
    for image in images:
        assert image.path.suffix in IMAGE_SUFFIXES, image.file
        assert image.kind, image.file
        source = image.source
        assert source["repository"].count("/") == 1 and source["path"], image.file
        assert source["licence"], image.file
        assert HEX.fullmatch(source["commit"]) and len(source["commit"]) == 40, image.file
        assert HEX.fullmatch(source["sha256"]) and HEX.fullmatch(image.sha256), image.file
        assert image.processing.get("note"), image.file
        if "jpeg_quality" not in image.processing:  # published bytes, unchanged
            assert image.sha256 == source["sha256"], image.file


def test_every_file_named_exists_once_prepared() -> None:
    if not IMAGES.is_dir() or not any(IMAGES.iterdir()):
        pytest.skip("images not prepared: python bench/real_scans.py --prepare")
    images = read_manifest()
    for image in images:
        assert image.path.is_file(), image.file
    on_disk = {p.name for p in IMAGES.iterdir() if p.suffix in IMAGE_SUFFIXES}
    assert on_disk == {i.file for i in images}


def test_labels_are_known_entity_types_with_values() -> None:
    known = set(all_entities())
    for image in read_manifest():
        for etype, value in (*image.labels, *image.ignore):
            assert etype in known, (image.file, etype)
            assert value.strip() == value and norm(value), (image.file, value)
        for etype, _ in image.labels:
            assert etype in GROUP_OF, (image.file, etype)  # scored in a group
        labels = {(t, norm(v)) for t, v in image.labels}
        assert len(labels) == len(image.labels), image.file  # each value once
        assert not labels & {(t, norm(v)) for t, v in image.ignore}, image.file


def test_every_third_image_is_held_out() -> None:
    images = read_manifest()
    for position, image in enumerate(images, 1):
        assert image.split in SPLITS, image.file
        assert image.split == ("held-out" if position % 3 == 0 else "dev"), image.file
        assert image.file.startswith(f"{position:02d}_"), image.file


def test_ignore_entries_say_why() -> None:
    raw = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for entry in raw["images"]:
        for item in entry["ignore"]:
            assert len(item) == 3 and item[2].strip(), (entry["file"], item)
