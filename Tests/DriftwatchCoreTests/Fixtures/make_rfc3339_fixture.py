#!/usr/bin/env python3
"""Reference values for RFC 3339 parsing, from Python's datetime (not from our parser).

Writes rfc3339_python.json: for each text, the microseconds since the epoch Python computes, or null
when the text is not an RFC 3339 date-time. The grammar is RFC 3339 section 5.6 (with the section 5.6
note: 't' or a space may stand for 'T', 'z' for 'Z'); the calendar (month lengths, leap years) and the
arithmetic are datetime's. Two deliberate readings of our own, applied here explicitly:
- fractions past microseconds are truncated (datetime has microseconds);
- second 60 (a leap second) counts as the first second of the next minute (datetime has no second 60).
Years before 0001 cannot be represented by datetime and are left out.

Run: python3 Tests/DriftwatchCoreTests/Fixtures/make_rfc3339_fixture.py
"""
import json
import os
import re
from datetime import datetime, timedelta, timezone

GRAMMAR = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]+))?(?:([Zz])|([+-])([0-9]{2}):([0-9]{2}))$"
)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def reference(text):
    m = GRAMMAR.match(text)
    if not m:
        return None
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zulu, sign, off_h, off_m = m.group(7), m.group(8), m.group(9), m.group(10), m.group(11)
    if zulu:
        offset = timedelta(0)
    else:
        # time-numoffset: time-hour (00-23) ":" time-minute (00-59).
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (1 if sign == "+" else -1)
    if second > 60 or hour > 23 or minute > 59:
        return None
    leap_second = second == 60
    try:
        dt = datetime(year, month, day, hour, minute, 59 if leap_second else second, tzinfo=timezone(offset))
    except ValueError:  # month 13, Feb 30, Apr 31, Feb 29 of a common year, ...
        return None
    if leap_second:
        dt += timedelta(seconds=1)
    micros = int(((fraction or "") + "000000")[:6])
    return (dt - EPOCH) // timedelta(microseconds=1) + micros


CASES = [
    # Leap years and month lengths.
    "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z",
    "2100-02-29T00:00:00Z", "2400-02-29T00:00:00Z", "2024-02-30T00:00:00Z", "2024-02-31T00:00:00Z",
    "2023-02-31T23:59:59Z", "2024-02-28T23:59:59.999999Z", "2023-02-28T23:59:59Z", "2023-03-01T00:00:00Z",
    "2024-01-31T00:00:00Z", "2024-03-31T00:00:00Z", "2024-04-30T00:00:00Z", "2024-04-31T00:00:00Z",
    "2024-06-31T00:00:00Z", "2024-09-31T00:00:00Z", "2024-11-31T00:00:00Z", "2024-12-31T23:59:59Z",
    "2024-00-10T00:00:00Z", "2024-13-10T00:00:00Z", "2024-05-00T00:00:00Z", "2024-05-32T00:00:00Z",
    # Fractions.
    "2024-05-06T07:08:09.1Z", "2024-05-06T07:08:09.12Z", "2024-05-06T07:08:09.123Z", "2024-05-06T07:08:09.1234Z",
    "2024-05-06T07:08:09.123456Z", "2024-05-06T07:08:09.1234567Z", "2024-05-06T07:08:09.000000999Z",
    "2024-05-06T07:08:09.999999999Z", "2024-05-06T07:08:09.Z", "2024-05-06T07:08:09,5Z", "1969-12-31T23:59:59.5Z",
    "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00.000001Z",
    # Offsets, Z and z, T, t and space.
    "2024-05-06T07:08:09z", "2024-05-06t07:08:09Z", "2024-05-06 07:08:09Z", "2024-05-06T07:08:09+00:00",
    "2024-05-06T07:08:09-00:00", "2024-05-06T07:08:09+05:30", "2024-05-06T07:08:09-12:00", "2024-05-06T07:08:09+14:00",
    "2024-05-06T07:08:09+23:59", "2024-05-06T07:08:09-23:59", "2024-05-06T07:08:09+24:00", "2024-05-06T07:08:09+01:60",
    "2024-05-06T07:08:09+99:00", "2024-05-06T07:08:09+0100", "2024-05-06T07:08:09+01", "2024-05-06T07:08:09+01:00:00",
    "2024-05-06T07:08:09", "2024-05-06T07:08:09ZZ", "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00-01:00",
    "2024-05-06T07:08:09.5-03:30",
    # Times.
    "2024-05-06T24:00:00Z", "2024-05-06T23:60:00Z", "2016-12-31T23:59:60Z", "2024-05-06T23:59:61Z",
    "2024-05-06T7:08:09Z", "2024-05-06T07:08Z",
    # Range and shape.
    "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1583-10-15T00:00:00Z", "24-05-06T07:08:09Z",
    "+2024-05-06T07:08:09Z", "2024/05/06T07:08:09Z", "2024-05-06X07:08:09Z", " 2024-05-06T07:08:09Z",
    "2024-05-06T07:08:09Z ", "\uff12024-05-06T07:08:09Z", "", "2024-05-06",
]


def main():
    out = [{"text": text, "micros": reference(text)} for text in CASES]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rfc3339_python.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=True)
        f.write("\n")


if __name__ == "__main__":
    main()
