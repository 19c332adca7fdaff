"""Parses Prometheus text exposition from stdin with prometheus_client's parser and prints the
samples as JSON: [[name, labels, value], ...]. Exits non-zero with the parser's error otherwise.
Needs: pip install prometheus-client
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

samples = []
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        v = s.value
        samples.append([s.name, s.labels, "NaN" if math.isnan(v) else ("+Inf" if v == math.inf else ("-Inf" if v == -math.inf else v)), family.type])
print(json.dumps(samples))
