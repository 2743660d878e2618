"""The Rasa hot-path patches (bot/runtime/speedups.py) keep Rasa's behaviour exactly."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import jsonschema
import numpy as np
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot.runtime import speedups
from bot.runtime.speedups import CACHE, InferenceCache, cached_predict, model_number

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "region", "value": "nl_NL"}], "responses": []},
    {"events": [], "responses": [{"text": "Hoi", "buttons": [{"title": "Ja", "payload": "/ja"}]}]},
    {},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"responses": "hoi"},
    {"events": [{"event": "slot", "name": 3}]},
]


@pytest.fixture(scope="module", autouse=True)
def installed() -> Iterator[None]:
    speedups.install(2**20)
    yield
    speedups.uninstall()


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_action_answer_passes_as_before(answer: dict[str, Any]) -> None:
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())  # Rasa's own check
    assert RemoteAction("action_x", None)._validate_action_result(answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_action_answer_fails_with_rasas_error(answer: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as original:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as patched:
        RemoteAction("action_x", None)._validate_action_result(answer)
    assert patched.value.message.startswith(original.value.message)
    assert "Failed to validate Action server response" in patched.value.message


def test_every_event_type_resolves_to_the_same_class_twice() -> None:
    for cls in all_subclasses(Event):
        if getattr(cls, "type_name", None) and not getattr(cls, "__abstractmethods__", None):
            assert Event.resolve_by_type(cls.type_name).type_name == cls.type_name
            assert Event.resolve_by_type(cls.type_name).type_name == cls.type_name
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("action") is ActionExecuted


def test_unknown_event_types_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):  # a default once does not stick
        Event.resolve_by_type("no_such_event")


def test_events_still_round_trip_through_their_dicts() -> None:
    events = [UserUttered("hoi", {"name": "greet", "confidence": 1.0}), SlotSet("region", "nl_BE")]
    again = [Event.from_parameters(event.as_dict()) for event in events]
    assert again == events


class Model:
    """Stands in for a DIET or TED model: counts its real predictions."""

    calls = 0

    def predict(self, batch: tuple[Any, ...]) -> dict[str, Any]:
        self.calls += 1
        return {"scores": np.array([[0.25, 0.75]]) * batch[0].sum(), "diagnostic_data": {}}


def predict(model: Model, batch: tuple[Any, ...]) -> dict[str, Any]:
    return model.predict(batch)


def test_a_repeated_batch_is_answered_from_the_cache_with_equal_outputs() -> None:
    model, cache = Model(), InferenceCache(max_bytes=2**20)
    cached = cached_predict(predict, cache)
    batch = (np.array([1.0, 2.0], dtype=np.float32), np.array([3], dtype=np.int64))
    first = cached(model, batch)
    second = cached(model, tuple(np.copy(a) for a in batch))
    assert model.calls == 1 and cache.hits == 1
    np.testing.assert_array_equal(first["scores"], second["scores"])


def test_other_numbers_shapes_types_or_models_are_other_keys() -> None:
    model, cache = Model(), InferenceCache(max_bytes=2**20)
    cached = cached_predict(predict, cache)
    cached(model, (np.array([1.0, 2.0], dtype=np.float32),))
    cached(model, (np.array([1.0, 2.5], dtype=np.float32),))
    cached(model, (np.array([[1.0, 2.0]], dtype=np.float32),))
    cached(model, (np.array([1.0, 2.0], dtype=np.float64),))
    cached(Model(), (np.array([1.0, 2.0], dtype=np.float32),))
    assert cache.hits == 0 and model.calls == 4


def test_callers_changing_an_output_do_not_change_the_cache() -> None:
    model, cache = Model(), InferenceCache(max_bytes=2**20)
    cached = cached_predict(predict, cache)
    batch = (np.array([1.0], dtype=np.float32),)
    cached(model, batch)["scores"][0, 0] = 99.0  # Rasa ranks and masks in place
    again = cached(model, batch)
    assert again["scores"][0, 0] == 0.25
    again["scores"][0, 0] = 42.0
    assert cached(model, batch)["scores"][0, 0] == 0.25


def test_object_arrays_are_never_cached() -> None:
    model, cache = Model(), InferenceCache(max_bytes=2**20)
    cached = cached_predict(lambda m, b: m.predict((np.array([1.0]),)), cache)
    batch = (np.array([object()], dtype=object),)
    cached(model, batch)
    cached(model, batch)
    assert model.calls == 2 and cache.hits == 0


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used() -> None:
    cache = InferenceCache(max_bytes=1024)  # entries of 16 bytes: 64 fit
    for n in range(100):
        cache.put(bytes([n]), {"scores": np.zeros(2)})
        if n == 10:
            assert cache.get(bytes([0])) is not None  # used: now the most recent
    assert cache.used <= cache.max_bytes
    assert cache.get(bytes([99])) is not None and cache.get(bytes([1])) is None
    assert cache.get(bytes([0])) is None  # used early, then old again
    cache.put(b"big", {"scores": np.zeros(10_000)})  # bigger than 1/64 of the cache: not kept
    assert cache.get(b"big") is None


class Swappable:
    """A model whose answer says which load it came from (a model swapped in the server)."""

    def __init__(self, load: int) -> None:
        self.load = load

    def predict(self, batch: tuple[Any, ...]) -> dict[str, Any]:
        return {"scores": np.array([[float(self.load)]])}


def test_a_model_loaded_after_another_never_gets_the_old_ones_outputs() -> None:
    """CPython gives a new object the id of one just freed: ``id(model)`` is no key."""
    cache = InferenceCache(max_bytes=2**20)
    cached = cached_predict(lambda m, b: m.predict(b), cache)
    batch = (np.array([1.0], dtype=np.float32),)
    freed_ids, reused = set(), 0
    for load in range(200):
        model = Swappable(load)
        reused += id(model) in freed_ids
        assert cached(model, batch)["scores"][0, 0] == load
        freed_ids.add(id(model))
        del model
    assert reused > 0  # the case that matters happened: a freed id was given out again
    assert model_number(Swappable(0)) != model_number(Swappable(0))


def test_loading_a_model_in_the_server_clears_the_cache() -> None:
    CACHE.put(b"an old model's output", {"scores": np.zeros(2)})
    assert CACHE.used > 0
    loaded: list[str] = []
    agent = SimpleNamespace()
    original = speedups.PATCHES.original(Agent, "load_model")
    assert original is not Agent.load_model  # in place while installed
    speedups._clear_cache_on_load(lambda _agent, path: loaded.append(path))(agent, "new.tar.gz")
    assert (
        loaded == ["new.tar.gz"] and CACHE.used == 0 and CACHE.get(b"an old model's output") is None
    )


def test_every_patch_is_removed_again() -> None:
    patched = {
        (RemoteAction, "_validate_action_result"): RemoteAction._validate_action_result,
        (Event, "resolve_by_type"): Event.resolve_by_type,
        (Agent, "load_model"): Agent.load_model,
    }
    speedups.uninstall()
    try:
        for (owner, name), replacement in patched.items():
            assert getattr(owner, name) is not replacement, name
        assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    finally:
        speedups.install(2**20)
