"""Hot paths of the Rasa 3.6 server made cheaper, each found with py-spy.

The figures and the method are in docs/performance.md. Behaviour stays the same:
the same schema check, the same event classes, only done once instead of per call.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.runtime.patching import Patches

if TYPE_CHECKING:
    from rasa.shared.core.events import Event

PATCHES = Patches()


def install(cache_bytes: int) -> None:
    """Patch Rasa's hot paths; ``cache_bytes`` 0 leaves the model outputs uncached.

    Patches, not subclasses: each is a private method of a class Rasa builds itself.
    """
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.shared.core.events import Event
    from rasa.utils.tensorflow.models import RasaModel

    PATCHES.replace(RemoteAction, "_validate_action_result", _one_validator)
    PATCHES.replace(Event, "resolve_by_type", _remember_event_types)
    CACHE.resize(cache_bytes)
    if cache_bytes > 0:
        PATCHES.replace(
            RasaModel, "_rasa_predict", lambda original: cached_predict(original, CACHE)
        )
        PATCHES.replace(Agent, "load_model", _clear_cache_on_load)


def uninstall() -> None:
    """Put Rasa's own methods back and forget every cached output."""
    PATCHES.undo()
    CACHE.clear()


def _one_validator(_rasas: Any) -> Callable[[Any, dict[str, Any]], bool]:
    """Check the action server's answer against a validator built once.

    ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``, which
    first checks the *schema* against the JSON Schema meta-schema, on every action
    call: 40% of the Rasa server's time in our conversations went there.
    """
    from jsonschema import validators
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(_self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error

    return validate_action_result


def _remember_event_types(original: Callable[..., type[Event] | None]) -> staticmethod[Any, Any]:
    """Look an event class up by its name once, not by walking all subclasses per event.

    Loading a tracker turns every stored event into an object; ``resolve_by_type``
    walked every subclass of ``Event`` for each one.
    """
    known: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        found = known.get(type_name)
        if found is None:
            found = original(type_name, default)
            if found is not None and found is not default:
                known[type_name] = found
        return found

    return staticmethod(resolve_by_type)


class InferenceCache:
    """Model outputs by the exact bytes of the model's input batch, bounded in bytes.

    DIET and TED are deterministic at inference: the same input arrays give the same
    output. Job-seekers mostly press the same buttons and type the same short
    answers, so the same batches come back again and again, and TensorFlow's fixed
    cost per call (about 10 ms here, mostly argument conversion) is paid once. The
    key is a digest of the numbers; no text is kept. Outputs are copied on the way
    out, because Rasa ranks and masks them in place.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[bytes, tuple[Any, int]] = OrderedDict()

    def resize(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.clear()

    def clear(self) -> None:
        """Forget every output: a model was loaded, the old one's are of no use."""
        self._entries.clear()
        self.used = 0

    @staticmethod
    def key(model: object, batch: tuple[Any, ...]) -> bytes | None:
        """None when an input is not plain numbers (object arrays hold pointers).

        The model counts by its own number (:func:`model_number`), never by ``id()``:
        a model loaded after another was freed may get the freed one's id.
        """
        digest = hashlib.blake2b(digest_size=20)
        digest.update(model_number(model).to_bytes(8, "little"))
        for array in batch:
            if not hasattr(array, "tobytes") or array.dtype.hasobject:
                return None
            digest.update(f"{array.dtype}{array.shape}".encode())
            digest.update(array.tobytes())
        return digest.digest()

    def get(self, key: bytes) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return copy.deepcopy(entry[0])

    def put(self, key: bytes, outputs: Any) -> None:
        size = _nbytes(outputs)
        if size > self.max_bytes // 64:  # a long text's attention maps: not worth it
            return
        self._entries[key] = (copy.deepcopy(outputs), size)
        self.used += size
        while self.used > self.max_bytes and self._entries:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.used -= dropped


def _nbytes(value: Any) -> int:
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(_nbytes(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_nbytes(v) for v in value)
    return 64


_MODEL_NUMBER = "_werkmaatje_model_number"
_numbers = itertools.count(1)


def model_number(model: object) -> int:
    """A number of this model object's own, never given to another in this process."""
    number = vars(model).get(_MODEL_NUMBER)
    if number is None:
        number = next(_numbers)
        # Past Keras' own __setattr__, which would track the number as model state.
        object.__setattr__(model, _MODEL_NUMBER, number)
    return int(number)


# Sized by install() from INFERENCE_CACHE_MB (0 turns the cache off, to measure without it).
CACHE = InferenceCache(0)


def _clear_cache_on_load(original: Callable[..., None]) -> Callable[..., None]:
    """``Agent.load_model`` that first forgets the outputs of the model it replaces."""

    def load_model(agent: Any, *args: Any, **kwargs: Any) -> None:
        CACHE.clear()
        original(agent, *args, **kwargs)

    return load_model


def cached_predict(original: Callable[[Any, tuple[Any, ...]], Any], cache: InferenceCache) -> Any:
    """``original`` (a model's predict on one batch) answered from ``cache`` when it can."""

    def rasa_predict(model: Any, batch_in: tuple[Any, ...]) -> Any:
        key = cache.key(model, batch_in)
        if key is None:
            return original(model, batch_in)
        outputs = cache.get(key)
        if outputs is None:
            outputs = original(model, batch_in)
            cache.put(key, outputs)
        return outputs

    return rasa_predict
