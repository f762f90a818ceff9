"""Benchmarks: ``newsstreams bench`` (``make bench``).

One run measures, on real SaudiNewsNet articles:

* offline throughput of each stage and of the whole pipeline, in-process on
  one thread (:mod:`streams.bench.offline`, stages called only through
  :mod:`streams.bench.adapters`);
* dedup cost per article as its window grows;
* Kafka end to end (:mod:`streams.bench.kafka`): worker child processes,
  saturation throughput on a pre-loaded backlog, latency at a fixed rate,
  two workers versus one, resident memory per worker, and the same
  measurements for two baselines on the same broker and data: a plain
  aiokafka consume → produce loop (:mod:`streams.bench.baselines`) and a
  Faust identity agent (:mod:`streams.bench.faust_identity`);

and writes ``results.json``, ``report.md`` and ``chart.png``
(:mod:`streams.bench.report`). :mod:`streams.bench.run` ties it together.
"""
