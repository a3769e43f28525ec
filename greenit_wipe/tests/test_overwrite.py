"""Overwrite and verification on file targets: every byte is the pattern afterwards, and a
byte that survived the overwrite is found."""

import bisect
import random

import pytest

from greenit_wipe import methods
from greenit_wipe.drives import Drive

from .helpers import SECRET, DroppingIO, make_target, read

MiB = 1024 * 1024
SIZE = 8 * MiB + 12345  # not a multiple of the block size: the tail must be wiped too


@pytest.fixture
def target(tmp_path):
    return make_target(tmp_path / "disk.img", SIZE)


def test_wipes_and_verifies_a_file_target_with_zeros(target):
    result = methods.overwrite(Drive.for_file(target), pattern="zeros", verification="full")

    assert read(target) == bytes(SIZE)
    assert result.passed and result.verification_result == "passed"
    assert result.bytes_written == SIZE and result.bytes_verified == SIZE
    assert result.coverage == 1.0 and result.mismatch_count == 0 and not result.errors


def test_random_pattern_with_passes_is_reproducible_and_verified(target):
    result = methods.overwrite(
        Drive.for_file(target), pattern="random", passes=2, verification="full"
    )

    assert result.passed and result.bytes_written == 2 * SIZE
    assert len(result.seeds) == 2 and result.seeds[0] != result.seeds[1]
    # The file holds exactly the stream of the last pass, regenerated from its seed.
    last = methods.RandomPattern(bytes.fromhex(result.seeds[-1]))
    data = read(target)
    assert data == last.expected(0, SIZE)
    assert SECRET * 64 not in data
    # Any part regenerates on its own (what sampled verification relies on).
    assert last.expected(3 * MiB - 7, 100) == data[3 * MiB - 7 : 3 * MiB + 93]


def test_a_planted_byte_that_survived_fails_full_verification(target):
    planted = 5_000_003
    io = DroppingIO(target, range(planted, planted + 1))

    result = methods.overwrite(Drive.for_file(target), verification="full", io=io)

    assert read(target)[planted : planted + 1] == SECRET
    assert result.verification_result == "failed" and not result.passed
    assert result.mismatch_count == 1 and result.mismatches == [planted]


def test_surviving_bytes_are_found_with_random_pattern_too(target):
    io = DroppingIO(target, range(SIZE - 10, SIZE))  # the very tail

    result = methods.overwrite(Drive.for_file(target), pattern="random", io=io)

    assert result.verification_result == "failed"
    assert result.mismatches[0] >= SIZE - 10 and result.mismatch_count <= 10


def test_sampled_verification_follows_nist_and_finds_a_surviving_region(target):
    io = DroppingIO(target, range(2 * MiB, 3 * MiB))  # a region the drive never rewrote

    result = methods.overwrite(
        Drive.for_file(target), verification="sampled", io=io, rng=random.Random(7)
    )

    assert result.coverage >= 0.10
    assert result.verification_result == "failed"
    assert all(2 * MiB <= o < 3 * MiB for o in result.mismatches)


def test_sampled_verification_passes_on_a_good_wipe(target):
    result = methods.overwrite(Drive.for_file(target), pattern="random", verification="sampled")

    assert result.passed and 0.10 <= result.coverage < 0.2


@pytest.mark.parametrize("size", [1, 19, 20, 4096, 10**6, 10**9, 2 * 10**12])
def test_sample_plan(size):
    plan = methods.sample_plan(size, random.Random(1))
    assert all(0 <= offset and offset + length <= size for offset, length in plan)
    ordered = sorted(plan)
    assert all(a[0] + a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False))
    if size < 20:
        assert plan == [(0, size)]  # too small to sample: all of it
        return
    count = min(1000, size // 20)
    assert sum(length for _, length in plan) >= 0.10 * size
    # per subsection: at least two locations, at least 5 % of it
    starts = [k * size // count for k in range(count)] + [size]
    inside = [[0, 0] for _ in range(count)]
    for offset, length in plan:
        k = bisect.bisect_right(starts, offset) - 1
        assert offset + length <= starts[k + 1]  # never straddles two subsections
        inside[k][0] += 1
        inside[k][1] += length
    for k, (locations, covered) in enumerate(inside):
        assert locations >= 2
        assert covered >= 0.05 * (starts[k + 1] - starts[k])


def test_a_write_error_fails_the_wipe(target):
    class BrokenIO(methods.BlockIO):
        def write(self, fd, data, offset):
            if offset + len(data) > 4 * MiB:
                raise OSError(5, "Input/output error")
            super().write(fd, data, offset)

    result = methods.overwrite(Drive.for_file(target), io=BrokenIO())

    assert not result.passed and "Input/output error" in result.errors[0]
