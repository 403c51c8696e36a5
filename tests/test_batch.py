"""The collector pause of a batch: paused inside, restored after (also when the batch fails
or nests, and when the collector was already off)."""
import gc
import threading

import pytest

from indicators.batch import collector_paused


@pytest.fixture(autouse=True)
def collector_back_on():
    yield
    gc.enable()


def test_paused_inside_and_restored_after_an_error():
    gc.enable()
    with pytest.raises(ValueError):
        with collector_paused():
            assert not gc.isenabled()
            raise ValueError("rad 7")
    assert gc.isenabled()


def test_nested_batches_restore_only_at_the_outermost():
    gc.enable()
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_batches_in_two_threads_share_one_pause():
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other_batch():
        with collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other_batch)
    with collector_paused():
        thread.start()
        inside.wait(5)
    assert not gc.isenabled()  # the other thread's batch is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()
