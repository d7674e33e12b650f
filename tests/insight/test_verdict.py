"""Bottleneck verdict under forced conditions (synthetic snapshots, fixed clock)."""

from __future__ import annotations

from dataclasses import replace

from tests.tui import fake_snapshots as fs
from trino_tui.insight import verdict as v


def _stages(*, dl_busy=2, dl_q=0, dl_workers=5, dec_busy=1, dec_q=0, dec_workers=3, fin_q=0):
    return (fs.make_stage("fetcher", busy=1), fs.make_stage("dispatcher", busy=1),
            fs.make_stage("downloaders", workers=dl_workers, busy=dl_busy, queue_depth=dl_q),
            fs.make_stage("decoders", workers=dec_workers, busy=dec_busy, queue_depth=dec_q),
            fs.make_stage("finalizer", queue_depth=fin_q))


def _history(n=8, step=0.25, base=None, **stage_kwargs):
    base = base or fs.mid_query_snapshot()
    return [replace(base, now=base.now + step * k, stages=_stages(**stage_kwargs)) for k in range(n)]


def test_storage_bound_names_downloaders_and_advises_more():
    base = fs.mid_query_snapshot()
    recent = tuple(fs.make_segment(i, fs.SegmentState.ACKED, queued_at=base.now + 0.1 * i,
                                   now=base.now + 2, hops=(fs.STORAGE,)) for i in range(4))
    found = v.verdict(_history(base=replace(base, segments=recent), dl_busy=5, dl_q=7))
    assert found.kind == v.STORAGE
    assert "5/5 downloaders busy" in found.text and "try --downloaders 10" in found.text
    [host] = found.hosts
    assert (host.host, host.segments) == (fs.STORAGE, 4)
    assert round(host.mean_seconds, 3) == 0.02  # make_segment's step with a queued_at
    assert f"{fs.STORAGE} 20 ms per segment" in found.reason


def test_decode_bound():
    found = v.verdict(_history(dec_busy=3, dec_q=4))
    assert found.kind == v.DECODE and "3/3 decoders busy" in found.text
    assert "json+lz4" in found.advice  # the snapshot's encoding is json+zstd


def test_consumer_bound():
    found = v.verdict(_history(fin_q=9))
    assert found.kind == v.CONSUMER and "wait for the consumer" in found.reason


def test_server_bound_when_every_queue_is_empty_and_for_direct_protocol():
    assert v.verdict(_history()).kind == v.SERVER
    direct = v.verdict(_history(base=fs.direct_snapshot()))
    assert direct.kind == v.SERVER and "direct protocol" in direct.reason
    assert "spooling" in direct.advice


def test_no_majority_is_balanced_and_too_few_or_finished_is_none():
    mixed = _history(4, dl_busy=5, dl_q=7) + _history(4, dec_busy=3, dec_q=4)
    mixed = [replace(s, now=fs.START + 12 + 0.25 * k) for k, s in enumerate(mixed)]
    assert v.verdict(mixed).kind == v.BALANCED
    assert v.verdict(_history(2, dl_busy=5, dl_q=7)) is None
    done = _history(dl_busy=5, dl_q=7)
    assert v.verdict(done[:-1] + [replace(done[-1], finished=True)]) is None


def test_window_forgets_old_conditions():
    old = _history(8, dl_busy=5, dl_q=7)
    new = [replace(s, now=s.now + 10) for s in _history(8, dec_busy=3, dec_q=4)]
    assert v.verdict(old + new).kind == v.DECODE


def test_history_resets_on_a_new_query_and_ignores_repeats():
    hist = v.VerdictHistory()
    for snap in _history(dl_busy=5, dl_q=7):
        found = hist.add(snap)
        hist.add(snap)  # the same snapshot again adds no sample
    assert found.kind == v.STORAGE
    other = replace(_history(1, dec_busy=3, dec_q=4)[0], started_at=fs.START + 50)
    assert hist.add(other) is None  # one sample of the new query: no verdict yet


def test_describe_is_plain_data():
    data = v.describe(v.verdict(_history(dl_busy=5, dl_q=7)))
    assert data["kind"] == v.STORAGE and isinstance(data["hosts"], list)
    assert v.describe(None) is None


def test_panel_shows_the_live_verdict():
    import asyncio

    from tests.tui.pipeline_host import PanelHost, screen_text
    from trino_tui.tui.widgets.pipeline_panel import PipelinePanel

    async def run():
        app = PanelHost()
        async with app.run_test(size=(140, 40)) as pilot:
            panel = app.query_one(PipelinePanel)
            for snap in _history(dl_busy=5, dl_q=7):
                panel.update_snapshot(snap)
            await pilot.pause()
            assert panel.verdict.startswith("storage/latency-bound")
            assert "try --downloaders 10" in screen_text(app)
            panel.set_outcome("stopped")
            await pilot.pause()
            assert panel.verdict is None and "try --downloaders" not in screen_text(app)

    asyncio.run(run())


def test_history_judges_at_most_every_quarter_second_of_snapshot_time(monkeypatch):
    calls = []
    real = v.verdict
    monkeypatch.setattr(v, "verdict", lambda snaps, **kw: calls.append(1) or real(snaps, **kw))
    hist = v.VerdictHistory(every=0.25)
    found = [hist.add(s) for s in _history(21, step=0.05, dl_busy=5, dl_q=7)]  # 1 s of snapshots
    assert len(calls) == 5  # at 0, 0.25, 0.5, 0.75 and 1.0 s
    assert found[-1].kind == v.STORAGE and found[-2] is found[-5]  # reused between judgements
    assert hist.add(replace(_history(1)[0], now=fs.START + 99, finished=True)) is None
