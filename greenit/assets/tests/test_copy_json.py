"""The JSON encoder of enter_many()'s COPY remembers what it wrote (an import's register
details repeat): whatever it is given, it writes what json.dumps writes."""

import json

from hypothesis import given
from hypothesis import strategies as st

from greenit.assets.lifecycle import _remembering_json_dumps

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(json_values, max_size=20))
def test_it_writes_what_json_dumps_writes(values):
    dumps = _remembering_json_dumps(most=3)
    for value in [*values, *values]:  # the second time from memory, where it was kept
        assert dumps(value) == json.dumps(value)


def test_a_dict_changed_after_it_was_written_is_written_anew():
    dumps = _remembering_json_dumps()
    details = {"使用状况": "良好"}
    assert dumps(details) == json.dumps(details)
    details["部门"] = "财务部"
    assert dumps(details) == json.dumps(details)
    assert dumps({"使用状况": "良好"}) == json.dumps({"使用状况": "良好"})


def test_values_equal_as_python_keys_are_written_as_json_writes_each():
    dumps = _remembering_json_dumps()
    for value in [{"a": 1}, {"a": True}, {"a": 1.0}, {1: "x"}, {True: "x"}, {"a": [1]}]:
        assert dumps(value) == json.dumps(value)
