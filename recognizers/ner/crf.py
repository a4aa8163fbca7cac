"""The character CRF that tags people, organisations and addresses in Chinese text.

``ChineseCrf`` loads ``zh_crf.model`` (trained by ``scripts/train_ner.py`` with
python-crfsuite; see ``MODEL_CARD.md``) once and returns entity spans
``(start, end, label)`` with exact character offsets into the text it was given.

* Offsets: the CRF reads ``features.normalise(text)``, which has exactly the
  text's length (NFKC only where it maps one character to one), so a span of
  the normalised text is the same span of the original.
* Bounded cost per call: the text is cut into clauses at 。！？；，、!?;, and line
  breaks (``chunks``; training cuts its sentences the same way, so the model
  has seen exactly such pieces), and a clause longer than ``MAX_CHUNK``
  characters is cut again at a space or colon (or, failing that, hard); pieces
  without a Han character are not tagged at all.
* Speed: ``pycrfsuite.Tagger`` reads the model; its weights are then copied into
  numpy tables (``_FastTables``) and the sentences of a call are scored and
  Viterbi-decoded together, which is several times faster than building
  feature strings for ``Tagger.tag``. ``tag_with_crfsuite`` keeps the reference
  path; the tests check both agree.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pycrfsuite

from recognizers.ner import features
from recognizers.ner.candidate import ADDRESS, ORGANIZATION, PERSON
from recognizers.ner.dataset import Span, spans_from_tags

MODEL_PATH = Path(__file__).with_name("zh_crf.model")
log = logging.getLogger(__name__)
MAX_CHUNK = 120
_CLAUSE_END = re.compile(r"[。！？；，、!?;,\n\r]+")
_SOFT_BREAK = re.compile(r"[：:\s]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
REPORTED = frozenset({PERSON, ORGANIZATION, ADDRESS})


def tables_path(model_path: Path) -> Path:
    """Where the model's numpy tables are kept: ``zh_crf.model`` → ``zh_crf.tables.npz``."""
    return model_path.with_suffix(".tables.npz")


def model_digest(model_path: Path) -> str:
    return hashlib.sha256(model_path.read_bytes()).hexdigest()


def chunks(text: str, max_chunk: int = MAX_CHUNK) -> Iterator[tuple[int, int]]:
    """(start, end) of the clauses of ``text`` that hold a Han character."""
    start = 0
    for m in _CLAUSE_END.finditer(text):
        yield from _bounded(text, start, m.end(), max_chunk)
        start = m.end()
    if start < len(text):
        yield from _bounded(text, start, len(text), max_chunk)


def _bounded(text: str, start: int, end: int, max_chunk: int) -> Iterator[tuple[int, int]]:
    """One sentence, cut into pieces of at most ``max_chunk`` characters."""
    while end - start > max_chunk:
        cut = start + max_chunk
        soft = None
        for m in _SOFT_BREAK.finditer(text, start + max_chunk // 2, cut):
            soft = m.end()
        cut = soft or cut
        if _HAN.search(text, start, cut):
            yield start, cut
        start = cut
    if start < end and _HAN.search(text, start, end):
        yield start, end


class ChineseCrf:
    """The trained CRF, loaded once; ``spans(text)`` is the whole interface."""

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        self.model_path = model_path
        self._tagger: pycrfsuite.Tagger | None = None
        self._lock = threading.RLock()  # a crfsuite tagger is not re-entrant
        digest = model_digest(model_path)
        tables = _FastTables.load(tables_path(model_path), digest)
        if tables is None:  # no tables for this model yet (a model trained elsewhere)
            log.info("building the CRF tables of %s (write them: make model)", model_path)
            tables = _FastTables.from_tagger(self.tagger)
        self.fast = tables

    @property
    def tagger(self) -> pycrfsuite.Tagger:
        """crfsuite's own tagger of the model: the reference path, opened when first used."""
        with self._lock:
            if self._tagger is None:
                tagger = pycrfsuite.Tagger()
                tagger.open(str(self.model_path))
                self._tagger = tagger
            return self._tagger

    def write_tables(self) -> Path:
        """Read the model through crfsuite and save its tables beside it (``make model``)."""
        path = tables_path(self.model_path)
        self.fast = _FastTables.from_tagger(self.tagger)
        self.fast.save(path, model_digest(self.model_path))
        return path

    def spans(self, text: str) -> list[Span]:
        """Entity spans of ``text`` (internal auxiliary labels such as LOC included)."""
        return self.spans_batch([text])[0]

    def spans_batch(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans of several texts, their sentences decoded together."""
        pieces: list[tuple[int, int, int]] = []  # (text index, start, end)
        for index, text in enumerate(texts):
            pieces.extend((index, s, e) for s, e in chunks(text))
        out: list[list[Span]] = [[] for _ in texts]
        if not pieces:
            return out
        norms = [features.normalise(texts[i][s:e]) for i, s, e in pieces]
        for (index, start, _), found in zip(pieces, self.fast.spans(norms), strict=True):
            out[index].extend((start + s, start + e, label) for s, e, label in found)
        return out

    def tag_with_crfsuite(self, text: str) -> list[Span]:
        """The reference path: ``pycrfsuite.Tagger.tag`` on feature strings, per piece."""
        found: list[Span] = []
        for start, end in chunks(text):
            norm = features.normalise(text[start:end])
            with self._lock:
                tags = self.tagger.tag(features.sentence_features(norm))
            found.extend((start + s, start + e, label) for s, e, label in spans_from_tags(tags))
        return found


def _by_length(norms: Sequence[str]) -> list[int]:
    """Indices of ``norms`` by length: a batch of similar lengths needs few Viterbi steps
    (the longest sentence's) and little padding."""
    return sorted(range(len(norms)), key=lambda i: len(norms[i]))


class _IntHash:
    """A read-only open-addressing hash table from non-negative int64 keys to row ids,
    built and probed with numpy (vectorised linear probing, load factor <= 1/4)."""

    EMPTY = -1
    _MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: np.ndarray) -> None:
        self.bits = max(4, int(len(keys) * 4 - 1).bit_length())
        size = 1 << self.bits
        self.table_keys = np.full(size, self.EMPTY, dtype=np.int64)
        self.table_rows = np.zeros(size, dtype=np.int64)
        slots = self._hash(keys)
        pending = np.arange(len(keys))
        while pending.size:
            wanted = slots[pending]
            free = self.table_keys[wanted] == self.EMPTY
            taken, first = np.unique(wanted[free], return_index=True)
            winners = pending[free][first]
            self.table_keys[taken] = keys[winners]
            self.table_rows[taken] = winners
            placed = np.zeros(len(keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & (size - 1)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        mixed = keys.astype(np.uint64) * self._MULTIPLIER
        return (mixed >> np.uint64(64 - self.bits)).astype(np.int64)

    def rows(self, keys: np.ndarray, missing: int) -> np.ndarray:
        """The row id of every key, ``missing`` for keys not in the table."""
        result = np.full(len(keys), missing, dtype=np.int64)
        slots = self._hash(keys)
        pending = np.arange(len(keys))
        mask = len(self.table_keys) - 1
        while pending.size:
            at = slots[pending]
            stored = self.table_keys[at]
            hit = stored == keys[pending]
            result[pending[hit]] = self.table_rows[at[hit]]
            pending = pending[~hit & (stored != self.EMPTY)]
            slots[pending] = (slots[pending] + 1) & mask
        return result


class _FastTables:
    """The model's weights in one numpy table, for batched scoring and Viterbi decoding.

    Every state feature of ``features.sentence_features`` is ``template:value``. Its
    weights (one per label) are a row of ``self.weights``: characters by code
    point in a dense block per template, class trigrams and lexicon masks in small
    blocks, bigrams (two code points and the template in one int64) through a
    numpy hash table. A character's label scores are the sum of its 15 rows; with
    the transition weights these are exactly the scores crfsuite's own Viterbi
    maximises, so both paths give the same tags.
    """

    WINDOW = (-2, -1, 0, 1, 2)
    # feature names in WINDOW order; bigrams start at offsets -2, -1, 0, 1
    UNIGRAMS = ("c-2", "c-1", "c", "c+1", "c+2")
    BIGRAMS = ("b-2", "b-1", "b+1", "b+2")
    LEXICON = ("k-2", "k-1", "k", "k+1", "k+2")
    CLASSES = "HDLPSO"
    PAD = 2  # window radius
    BMP = 0x10000  # characters beyond it share the all-zero row
    BATCH_CHARS = 8192  # sentences decoded together: bounds the grids' memory

    def __init__(
        self,
        labels: Sequence[str],
        transitions: np.ndarray,
        weights: np.ndarray,
        masks: np.ndarray,
        bigram_keys: np.ndarray,
        class_table: np.ndarray,
    ) -> None:
        self.labels: list[str] = list(labels)
        self.outside = self.labels.index("O") if "O" in self.labels else 0
        self.transitions = transitions
        self.weights = weights
        self.masks = masks
        self.bigram_keys = bigram_keys
        self.bigram_hash = _IntHash(bigram_keys)
        # row blocks: unigrams | classes | lexicon masks (+1 unseen) | bigrams (+1 unseen)
        self.class_base = len(self.UNIGRAMS) * (self.BMP + 1)
        self.mask_base = self.class_base + 216
        self.mask_block = len(self.masks) + 1
        self.bigram_base = self.mask_base + len(self.LEXICON) * self.mask_block
        self.bigram_unseen = len(bigram_keys)
        if len(weights) != self.bigram_base + len(bigram_keys) + 1:
            raise ValueError(f"CRF tables: {len(weights)} weight rows do not fit their blocks")
        self.unigram_offsets = np.arange(len(self.UNIGRAMS), dtype=np.int64) * (self.BMP + 1)
        self.mask_offsets = self.mask_base + np.arange(len(self.LEXICON)) * self.mask_block
        self.bigram_shifts = np.arange(len(self.BIGRAMS), dtype=np.int64) << 42
        self._window = np.arange(-2, 3, dtype=np.int64)
        self._class_weights = np.array([36, 6, 1], dtype=np.int64)
        self._class_table = class_table.astype(np.int64)

    @classmethod
    def from_tagger(cls, tagger: pycrfsuite.Tagger) -> _FastTables:
        """The tables of a crfsuite model, read through its text dump (1–2 s: what
        ``save``/``load`` spare every start)."""
        info = tagger.info()
        labels: list[str] = list(tagger.labels())
        index = {label: i for i, label in enumerate(labels)}
        n = len(labels)
        transitions = np.zeros((n, n))
        for (src, dst), weight in info.transitions.items():
            transitions[index[src], index[dst]] = weight
        masks_seen: set[int] = {0}
        bigrams: set[int] = set()
        parsed = []
        for (attribute, label), weight in info.state_features.items():
            template, _, value = attribute.partition(":")
            parsed.append((template, value, index[label], weight))
            if template in cls.LEXICON:
                masks_seen.add(cls._mask(value))
            elif template in cls.BIGRAMS:
                bigrams.add(cls._bigram_key(cls.BIGRAMS.index(template), value))
        masks = np.array(sorted(masks_seen), dtype=np.int64)
        bigram_keys = np.array(sorted(bigrams), dtype=np.int64)
        unigram_rows = cls.BMP + 1
        class_base = len(cls.UNIGRAMS) * unigram_rows
        mask_base = class_base + 216
        mask_block = len(masks) + 1
        bigram_base = mask_base + len(cls.LEXICON) * mask_block
        # float32: half the memory traffic of the gather; the sums differ from crfsuite's
        # doubles by ~1e-6, far below any margin between two paths (the tests compare tags)
        weights = np.zeros((bigram_base + len(bigram_keys) + 1, n), dtype=np.float32)
        bigram_row = {key: i for i, key in enumerate(bigram_keys.tolist())}
        mask_row = {mask: i for i, mask in enumerate(masks.tolist())}
        for template, value, column, weight in parsed:
            if template in cls.UNIGRAMS:
                point = ord(value)
                if point < cls.BMP:
                    weights[cls.UNIGRAMS.index(template) * unigram_rows + point, column] += weight
            elif template in cls.BIGRAMS:
                key = cls._bigram_key(cls.BIGRAMS.index(template), value)
                weights[bigram_base + bigram_row[key], column] += weight
            elif template == "t":
                a, b, c = (cls.CLASSES.index(x) for x in value)
                weights[class_base + a * 36 + b * 6 + c, column] += weight
            elif template in cls.LEXICON:
                block = mask_base + cls.LEXICON.index(template) * mask_block
                weights[block + mask_row[cls._mask(value)], column] += weight
        class_table = np.array(
            [cls.CLASSES.index(features.char_class(chr(cp))) for cp in range(cls.BMP)],
            dtype=np.int8,
        )
        return cls(labels, transitions, weights, masks, bigram_keys, class_table)

    def save(self, path: Path, model_digest: str) -> None:
        """The tables as one compressed numpy archive (only the weight rows that are not
        all zero), stamped with the SHA-256 of the model they were read from."""
        used = np.flatnonzero(self.weights.any(axis=1)).astype(np.int32)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # renamed when whole
        with open(partial, "wb") as fh:
            np.savez_compressed(
                fh,
                model_sha256=np.array(model_digest),
                labels=np.array(self.labels),
                transitions=self.transitions,
                weight_shape=np.array(self.weights.shape, dtype=np.int64),
                weight_rows=used,
                weight_values=self.weights[used],
                masks=self.masks,
                bigram_keys=self.bigram_keys,
                class_table=self._class_table.astype(np.int8),
            )
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path, model_digest: str) -> _FastTables | None:
        """The tables saved for the model of ``model_digest``; None when the file is
        missing or was made from another model."""
        try:
            archive = np.load(path, allow_pickle=False)
        except (OSError, ValueError):
            return None
        with archive:
            if str(archive["model_sha256"]) != model_digest:
                return None
            weights = np.zeros(tuple(archive["weight_shape"].tolist()), dtype=np.float32)
            weights[archive["weight_rows"]] = archive["weight_values"]
            return cls(
                archive["labels"].tolist(),
                archive["transitions"],
                weights,
                archive["masks"],
                archive["bigram_keys"],
                archive["class_table"],
            )

    @staticmethod
    def _mask(value: str) -> int:
        return 0 if value == "-" else features._mask(value)

    @staticmethod
    def _bigram_key(template: int, value: str) -> int:
        return (template << 42) | (ord(value[0]) << 21) | ord(value[1])

    def _char_classes(self, points: np.ndarray, text: str) -> np.ndarray:
        classes = self._class_table[np.minimum(points, self.BMP - 1)]
        for i in np.flatnonzero(points >= self.BMP).tolist():
            classes[i] = self.CLASSES.index(features.char_class(text[i]))
        return classes

    def emissions(self, text: str, at: np.ndarray) -> np.ndarray:
        """(len(at), labels) summed state-feature weights of the characters ``text[at]``.

        ``text`` holds normalised sentences, each with ``PAD`` pad characters on both
        sides, so every window stays inside it and sees the pads at sentence ends.
        """
        points = features.code_points(text)
        window = at[:, None] + self._window  # (n, 5): the characters at offsets -2..2
        wide = points[window]
        bigram_keys = ((wide[:, :4] << 21) | wide[:, 1:]) | self.bigram_shifts
        bigram_rows = self.bigram_hash.rows(bigram_keys.ravel(), self.bigram_unseen)
        classes = self._char_classes(points, text)[window[:, 1:4]] @ self._class_weights
        masks = features._lexicon().masks(text, points)
        mask_rows = np.searchsorted(self.masks, masks)
        mask_rows[mask_rows >= len(self.masks)] = len(self.masks) - 1
        mask_rows[self.masks[mask_rows] != masks] = len(self.masks)  # unseen mask
        rows = np.concatenate(
            [
                np.minimum(wide, self.BMP) + self.unigram_offsets,
                (classes + self.class_base)[:, None],
                mask_rows[window] + self.mask_offsets,
                bigram_rows.reshape(len(at), 4) + self.bigram_base,
            ],
            axis=1,
        ).T.copy()  # one contiguous row of indices per feature
        # a running sum over the 18 features: ~3x faster than weights[rows].sum(axis=1),
        # which materialises an (n, 18, labels) array
        total = self.weights[rows[0]]
        for feature_rows in rows[1:]:
            total += self.weights[feature_rows]
        return total

    def spans(self, norms: Sequence[str]) -> list[list[Span]]:
        """Entity spans of several normalised sentences (BIO read as ``spans_from_tags``)."""
        order = _by_length(norms)
        found_sorted = self._spans_in_order([norms[i] for i in order])
        out: list[list[Span]] = [[] for _ in norms]
        for position, index in enumerate(order):
            out[index] = found_sorted[position]
        return out

    def _spans_in_order(self, norms: Sequence[str]) -> list[list[Span]]:
        kinds = [label[:2] for label in self.labels]
        types = [label[2:] for label in self.labels]
        out: list[list[Span]] = []
        for ids, lengths in self._batches(norms):
            ends = np.cumsum(lengths)
            starts = (ends - lengths).tolist()
            found: list[list[Span]] = [[] for _ in range(len(lengths))]
            hits = np.flatnonzero(ids != self.outside)
            sentence_of = np.searchsorted(ends, hits, side="right").tolist()
            labels = ids[hits].tolist()
            start, current, last, owner = -1, "", -2, -1
            for i, label, sentence in zip(hits.tolist(), labels, sentence_of, strict=True):
                if current and (
                    i != last + 1
                    or sentence != owner
                    or kinds[label] == "B-"
                    or types[label] != current
                ):
                    found[owner].append((start - starts[owner], last + 1 - starts[owner], current))
                    current = ""
                if not current:
                    start, current, owner = i, types[label], sentence
                last = i
            if current:
                found[owner].append((start - starts[owner], last + 1 - starts[owner], current))
            out.extend(found)
        return out

    def tag(self, norms: Sequence[str]) -> list[list[str]]:
        """Viterbi tags (B-X, I-X, O) of several normalised sentences."""
        labels = self.labels
        order = _by_length(norms)
        out: list[list[str]] = [[] for _ in norms]
        parts: list[list[str]] = []
        for ids, lengths in self._batches([norms[i] for i in order]):
            for part in np.split(ids, np.cumsum(lengths)[:-1]):
                parts.append([labels[j] for j in part.tolist()])
        for position, index in enumerate(order):
            out[index] = parts[position]
        return out

    def _batches(self, norms: Sequence[str]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(label ids of all characters, sentence lengths) per batch of at most
        ``BATCH_CHARS`` characters."""
        batch: list[str] = []
        size = 0
        for norm in norms:
            if batch and size + len(norm) > self.BATCH_CHARS:
                yield self._tag_batch(batch)
                batch, size = [], 0
            batch.append(norm)
            size += len(norm)
        if batch:
            yield self._tag_batch(batch)

    def _tag_batch(self, norms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        pad = features.PAD * self.PAD
        text = pad + pad.join(norms) + pad
        lengths = np.array([len(n) for n in norms], dtype=np.int64)
        firsts = np.cumsum(np.concatenate(([0], lengths[:-1] + self.PAD))) + self.PAD
        is_char = np.ones(len(text), dtype=bool)
        is_char[: self.PAD] = False
        is_char[((firsts + lengths)[:, None] + np.arange(self.PAD)).ravel()] = False
        at = np.flatnonzero(is_char)
        return self._viterbi(self.emissions(text, at), lengths), lengths

    def _viterbi(self, emission: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Best label ids of all characters (sentences of ``lengths``, concatenated).

        The sentences are decoded together: laid out time-major and sorted longest
        first, those still running at step ``t`` are a prefix ``[:running[t]]``.
        """
        trans = self.transitions
        n_labels = len(self.labels)
        order = np.argsort(-lengths, kind="stable")
        lengths_sorted = lengths[order]
        longest, count = int(lengths_sorted[0]), len(lengths)
        running = (lengths_sorted[None, :] > np.arange(longest)[:, None]).sum(axis=1).tolist()
        steps = np.arange(longest)
        begins = np.cumsum(lengths) - lengths
        # grid[t, r] = emission of sentence order[r] at its t-th character (0 past its end)
        taken = steps[:, None] < lengths_sorted[None, :]
        source = np.where(taken, begins[order][None, :] + steps[:, None], 0)
        grid = np.where(taken[:, :, None], emission[source], 0.0)
        back = np.zeros((longest, count, n_labels), dtype=np.int8)
        score = grid[0].copy()
        total = np.empty((count, n_labels, n_labels))
        best = np.empty((count, n_labels))
        for t in range(1, longest):
            k = running[t]
            np.add(score[:k, :, None], trans, out=total[:k])
            np.argmax(total[:k], axis=1, out=back[t, :k])
            np.max(total[:k], axis=1, out=best[:k])
            np.add(best[:k], grid[t, :k], out=score[:k])
        path = np.zeros((longest, count), dtype=np.int64)
        current = score.argmax(axis=1)
        for t in range(longest - 1, -1, -1):
            k = running[t]
            path[t, :k] = current[:k]
            if t:
                current[:k] = back[t, np.arange(k), current[:k]]
        ids = np.empty(int(lengths.sum()), dtype=np.int64)
        ids_at = begins[order][None, :] + steps[:, None]
        ids[ids_at[taken]] = path[taken]
        return ids
