"""What learner code could bend inside its own process, put back before the grader's code runs.

A submission's code runs in the same process as the tests that grade it, so it can reach the
objects the tests and the cell runner use. `Pristine` records them before any learner code runs
(IPython's input and AST transformers and event callbacks, builtins, `sys` hooks and import
machinery, `sys.modules` entries, and the dictionaries, function code and class attributes of
hocso's and IPython's cell-running modules; hocso modules imported later are recorded the moment
they are imported) and `restore` puts every one back after each cell, saying what it had to undo.
Anything undone is reported as tampering: the grade needs a person's review.

This closes the known tricks (input/AST transformers that wrap tests in try/except, a patched
`grade_items`, a replaced AssertionError, trace hooks that jump over an assert). It cannot stop
native code (ctypes) from rewriting memory; the OS sandbox still bounds what such code can reach.
"""

from __future__ import annotations

import builtins
import importlib.abc
import sys
import types
from typing import Any

PROTECTED_MODULES = (
    "builtins",
    "os",
    "posixpath",
    "json",
    "json.decoder",
    "json.encoder",
    "ast",
    "signal",
    "IPython.core.interactiveshell",
    "IPython.core.inputtransformer2",
    "IPython.core.compilerop",
    "IPython.core.displayhook",
    "IPython.core.formatters",
    "IPython.core.builtin_trap",
    "IPython.core.events",
    "IPython.utils.capture",
)
WATCHED_PREFIX = "hocso"  # hocso's modules (the grader's runner, hocso.widgets.grading): every one
SYS_HOOKS = ("displayhook", "excepthook", "breakpointhook")
SYS_LISTS = ("meta_path", "path_hooks", "path")
SKIPPED_BUILTINS = {"_", "__", "___"}  # IPython's own result history


BEHAVIOUR = (
    types.FunctionType,
    types.BuiltinFunctionType,
    type,
    types.ModuleType,
    classmethod,
    staticmethod,
    property,
)


def _behaviour(items: Any) -> tuple[tuple[str, Any], ...]:
    """The names bound to code (functions, classes, modules, methods), not to data: a module's or a
    class's own state (a cache, a lazily built singleton) may change; what its names do may not."""
    return tuple((key, value) for key, value in items if isinstance(value, BEHAVIOUR))


def _functions_of(module: types.ModuleType) -> list[tuple[Any, ...]]:
    """(function, code, defaults, kwdefaults) of every function and method the module defines."""
    found = []
    name = module.__name__
    for value in list(vars(module).values()):
        candidates = [value]
        if isinstance(value, type) and value.__module__ == name:
            for attribute in list(vars(value).values()):
                candidates.append(getattr(attribute, "__func__", attribute))
                if isinstance(attribute, property):
                    candidates += [attribute.fget, attribute.fset]
        for item in candidates:
            if isinstance(item, types.FunctionType) and item.__module__ == name:
                found.append((item, item.__code__, item.__defaults__, item.__kwdefaults__))
    return found


def _classes_of(module: types.ModuleType) -> list[tuple[type, tuple[tuple[str, Any], ...]]]:
    name = module.__name__
    return [
        (value, _behaviour(vars(value).items()))
        for value in list(vars(module).values())
        if isinstance(value, type) and value.__module__ == name
    ]


class Pristine:
    """The state learner code could bend, recorded before it runs (see the module docstring)."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.modules: dict[str, tuple[types.ModuleType, tuple[tuple[str, Any], ...]]] = {}
        self.functions: list[tuple[Any, ...]] = []
        self.classes: list[tuple[type, tuple[tuple[str, Any], ...]]] = []
        for name in (*PROTECTED_MODULES, *(n for n in sys.modules if n.startswith(WATCHED_PREFIX))):
            if name in sys.modules:
                self.record(sys.modules[name])
        self.sys_modules = tuple(sys.modules.items())
        self.sys_hooks = tuple((name, getattr(sys, name)) for name in SYS_HOOKS)
        self.sys_lists = tuple((getattr(sys, name), tuple(getattr(sys, name))) for name in SYS_LISTS)
        manager = shell.input_transformer_manager
        lists = [
            shell.input_transformers_cleanup,
            shell.input_transformers_post,
            shell.ast_transformers,
            manager.cleanup_transforms,
            manager.line_transforms,
            manager.token_transformers,
            *shell.events.callbacks.values(),
        ]
        self.shell_lists = tuple((items, tuple(items)) for items in lists)
        self.recursion_limit = sys.getrecursionlimit()
        self.finder = _RecordOnImport(self)
        sys.meta_path.insert(0, self.finder)
        self.sys_lists = tuple((getattr(sys, name), tuple(getattr(sys, name))) for name in SYS_LISTS)

    def record(self, module: types.ModuleType) -> None:
        self.modules[module.__name__] = (module, _behaviour(list(vars(module).items())))
        self.functions += _functions_of(module)
        self.classes += _classes_of(module)

    def restore(self) -> list[str]:
        """Put everything back; returns what had been changed (empty for an honest submission)."""
        changed: list[str] = []
        sys.settrace(None)
        sys.setprofile(None)
        for name, (module, items) in self.modules.items():
            current = vars(module)
            for key, value in items:
                if current.get(key, _MISSING) is not value:
                    if not (module is builtins and key in SKIPPED_BUILTINS):
                        changed.append(f"{name}.{key}")
                    current[key] = value
        for function, code, defaults, kwdefaults in self.functions:
            if function.__code__ is not code or function.__defaults__ is not defaults:
                changed.append(f"{function.__module__}.{function.__qualname__}")
                function.__code__, function.__defaults__ = code, defaults
            if function.__kwdefaults__ is not kwdefaults:
                changed.append(f"{function.__module__}.{function.__qualname__}")
                function.__kwdefaults__ = kwdefaults
        for cls, attributes in self.classes:
            attrs = vars(cls)  # a read-only mappingproxy: setattr below writes through
            for key, value in attributes:
                if attrs.get(key, _MISSING) is not value:
                    changed.append(f"{cls.__module__}.{cls.__qualname__}.{key}")
                    setattr(cls, key, value)
        for items, saved in (*self.sys_lists, *self.shell_lists):
            if len(items) != len(saved) or any(a is not b for a, b in zip(items, saved, strict=False)):
                changed.append(_list_name(self.shell, items))
                items[:] = saved
        for name, value in self.sys_hooks:
            if getattr(sys, name) is not value:
                changed.append(f"sys.{name}")
                setattr(sys, name, value)
        for name, module in self.sys_modules:
            if sys.modules.get(name) is not module:
                changed.append(f"sys.modules[{name!r}]")
                sys.modules[name] = module
        for name in [n for n in sys.modules if n.startswith(WATCHED_PREFIX) and n not in self.modules]:
            changed.append(f"sys.modules[{name!r}]")  # imported past the recording finder: not trusted
            del sys.modules[name]
        if sys.getrecursionlimit() != self.recursion_limit:
            sys.setrecursionlimit(self.recursion_limit)
        return sorted(set(changed))


_MISSING = object()


def _list_name(shell: Any, items: list[Any]) -> str:
    names = {
        id(shell.input_transformers_cleanup): "IPython input transformers",
        id(shell.input_transformers_post): "IPython input transformers",
        id(shell.ast_transformers): "IPython AST transformers",
        id(sys.meta_path): "sys.meta_path",
        id(sys.path_hooks): "sys.path_hooks",
        id(sys.path): "sys.path",
    }
    return names.get(id(items), "IPython's cell machinery")


class _RecordOnImport(importlib.abc.MetaPathFinder):
    """Records each hocso module the moment it is imported, before learner code can change it."""

    def __init__(self, pristine: Pristine) -> None:
        self.pristine = pristine

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if not name.startswith(WATCHED_PREFIX):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _RecordingLoader(spec.loader, self.pristine)
                return spec
        return None


class _RecordingLoader(importlib.abc.Loader):
    def __init__(self, inner: Any, pristine: Pristine) -> None:
        self.inner, self.pristine = inner, pristine

    def create_module(self, spec: Any) -> Any:
        return self.inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self.inner.exec_module(module)
        self.pristine.record(module)

    def __getattr__(self, name: str) -> Any:  # resources, source, is_package: the real loader's
        return getattr(self.inner, name)
