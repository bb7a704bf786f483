"""The command-line flags a Dynamo component's argument parser declares, read from its source with
Python's own parser (ast), at one commit of a git repository. Nothing is imported or run.

    python3 argparse_flags.py <git-dir> <commit> <module path> [<module path> ...]

prints one JSON object: flag -> {"takes": "switch" | "value" | "values", "type", "choices", "at",
"condition"?}. The modules are read with `git show`; so are the modules they import from
`dynamo.common.configuration` and their own package's `*args.py`, whose flags count too. Names
used as choices are resolved through module constants, lists, tuples and enum members, in any
module under components/src/dynamo/.

The declaration forms handled are Dynamo's (components/src/dynamo/common/configuration/utils.py):
`add_argument(group, flag_name=..., obsolete_flag=..., arg_type=..., **argparse_kwargs)`,
`add_negatable_bool_argument(group, flag_name=..., obsolete_flag=...)`, and argparse's own
`<parser or group>.add_argument("-s", "--long", ...)`.
"""

import ast
import json
import subprocess
import sys

SOURCE_ROOT = "components/src/"
SWITCH_ACTIONS = {"store_true", "store_false", "store_const", "append_const", "count", "help", "version"}
NEGATABLE_ACTIONS = {"BooleanOptionalAction"}


class Unresolved(Exception):
    pass


class Tree:
    """Modules of one commit, parsed on demand."""

    def __init__(self, git_dir, commit):
        self.git_dir, self.commit, self.parsed = git_dir, commit, {}

    def module(self, path):
        if path not in self.parsed:
            result = subprocess.run(
                ["git", "-C", self.git_dir, "show", f"{self.commit}:{path}"], capture_output=True, text=True
            )
            self.parsed[path] = ast.parse(result.stdout, path) if result.returncode == 0 else None
        return self.parsed[path]

    def path_of(self, dotted, importer, level):
        """The file a `from <dotted> import` names, relative imports included; None outside the tree."""
        if level:
            package = importer.rsplit("/", level)[0]
            base = f"{package}/{dotted.replace('.', '/')}" if dotted else package
        elif dotted.startswith("dynamo."):
            base = SOURCE_ROOT + dotted.replace(".", "/")
        else:
            return None
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if self.module(candidate) is not None:
                return candidate
        return None


def imports(tree, path):
    """name -> (module path, name there) for every `from dynamo... import name` in a module."""
    found = {}
    for node in ast.walk(tree.module(path)):
        if isinstance(node, ast.ImportFrom):
            target = tree.path_of(node.module or "", path, node.level)
            if target:
                for alias in node.names:
                    found[alias.asname or alias.name] = (target, alias.name)
    return found


def top_level(tree, path, name):
    """The value assigned to, or the class defined as, `name` at the top of a module (following imports)."""
    module = tree.module(path)
    for node in module.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return path, node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(isinstance(target, ast.Name) and target.id == name for target in targets) and node.value is not None:
            return path, node.value
    imported = imports(tree, path).get(name)
    if imported:
        return top_level(tree, *imported)
    raise Unresolved(name)


def enum_values(tree, path, class_node):
    values = []
    for node in class_node.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            values.append(node.value.value)
    return values


def evaluate(tree, path, node):
    """A literal, or a value built from module constants and enum members: what choices may be."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return [evaluate(tree, path, element) for element in node.elts]
    if isinstance(node, ast.Name):
        where, value = top_level(tree, path, node.id)
        if isinstance(value, ast.ClassDef):
            return [member for member in enum_values(tree, where, value)]
        return evaluate(tree, where, value)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        where, value = top_level(tree, path, node.value.id)
        if isinstance(value, ast.ClassDef):
            for member in value.body:
                if isinstance(member, ast.Assign) and any(t.id == node.attr for t in member.targets if isinstance(t, ast.Name)):
                    return evaluate(tree, where, member.value)
        raise Unresolved(ast.unparse(node))
    converters = ("list", "tuple", "sorted", "set")
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in converters and len(node.args) == 1:
        return list(evaluate(tree, path, node.args[0]))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return list(evaluate(tree, path, node.left)) + list(evaluate(tree, path, node.right))
    if isinstance(node, ast.ListComp) and len(node.generators) == 1:
        generator = node.generators[0]
        # [m.value for m in SomeEnum]
        if (
            isinstance(generator.iter, ast.Name)
            and isinstance(node.elt, ast.Attribute)
            and node.elt.attr == "value"
            and isinstance(node.elt.value, ast.Name)
            and node.elt.value.id == getattr(generator.target, "id", None)
            and not generator.ifs
        ):
            return list(evaluate(tree, path, generator.iter))
    raise Unresolved(ast.unparse(node))


def action_kind(tree, path, node):
    """How an `action=` argument consumes the command line: switch, negatable switch, or value."""
    if node is None:
        return "value"
    if isinstance(node, ast.Constant):
        return "switch" if node.value in SWITCH_ACTIONS else "values" if node.value in ("extend",) else "value"
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
    if name in NEGATABLE_ACTIONS:
        return "negatable"
    try:
        where, value = top_level(tree, path, name)
    except Unresolved:
        return "value"
    if isinstance(value, ast.ClassDef):
        for base in value.bases:
            kind = action_kind(tree, where, base)
            if kind != "value":
                return kind
    return "value"


def type_name(tree, path, node):
    if node is None:
        return "str"
    if isinstance(node, ast.Constant) and node.value is None:
        return None
    name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ast.unparse(node)
    return {"int": "int", "float": "float", "str": "str", "nullable_int": "int", "nullable_float": "float"}.get(name, "text")


def keyword(call, name):
    return next((k.value for k in call.keywords if k.arg == name), None)


def literal_text(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def conditions(module):
    """For each call inside an `if` (at any depth), the source of the tests around it."""
    around = {}

    def visit(node, tests):
        for child in ast.iter_child_nodes(node):
            inner = tests + [ast.unparse(node.test)] if isinstance(node, ast.If) and child in node.body else tests
            if isinstance(node, ast.If) and child in node.orelse:
                inner = tests + [f"not ({ast.unparse(node.test)})"]
            if isinstance(child, ast.Call):
                around[id(child)] = inner
            visit(child, inner)

    visit(module, [])
    return around


def loop_bindings(tree, path, module):
    """For each call inside a `for` over literal tuples, the values its loop variables take."""
    bindings = {}

    def names_of(target):
        return [target.id] if isinstance(target, ast.Name) else [n for e in getattr(target, "elts", []) for n in names_of(e)]

    for loop in ast.walk(module):
        if not isinstance(loop, ast.For):
            continue
        iterated = loop.iter
        if isinstance(iterated, ast.Name):
            # A tuple assigned in the same function, as often as at the top of the module.
            local = [
                n.value
                for n in ast.walk(module)
                if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == iterated.id for t in n.targets)
            ]
            iterated = local[0] if len(local) == 1 else iterated
        try:
            rows = evaluate(tree, path, iterated)
        except Unresolved:
            continue
        names = names_of(loop.target)
        values = [dict(zip(names, row if isinstance(row, list) else [row])) for row in rows]
        for node in ast.walk(loop):
            if isinstance(node, ast.Call):
                bindings[id(node)] = values
    return bindings


def parameters(module):
    """For each call inside a function, that function's parameter names."""
    inside = {}
    for function in ast.walk(module):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = {a.arg for a in function.args.args + function.args.kwonlyargs}
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    inside[id(node)] = names
    return inside


def declarations(tree, path):
    """Every flag declared in one module."""
    module = tree.module(path)
    around = conditions(module)
    loops = loop_bindings(tree, path, module)
    params = parameters(module)
    flags = {}

    def flag_names(call):
        """The literal names of a helper's flag_name and obsolete_flag, expanded over a loop; None in the helpers themselves."""
        nodes = [keyword(call, "flag_name"), keyword(call, "obsolete_flag")]
        variable = [node.id for node in nodes if isinstance(node, ast.Name)]
        if variable and set(variable) <= params.get(id(call), set()):
            return None
        if variable:
            if id(call) not in loops:
                raise SystemExit(f"{path}:{call.lineno}: a flag whose name is not a literal: {ast.unparse(call)[:120]}")
            return [row[name] for row in loops[id(call)] for name in variable if row.get(name)] + [
                literal_text(node) for node in nodes if literal_text(node)
            ]
        return [literal_text(node) for node in nodes if literal_text(node)]

    def record(names, takes, call, value_type, choices_node):
        entry = {"takes": takes, "at": f"{path}:{call.lineno}"}
        if takes != "switch":
            entry["type"] = value_type
            choices = None
            if choices_node is not None:
                try:
                    choices = [str(choice) for choice in evaluate(tree, path, choices_node)]
                except Unresolved:
                    entry["choices_unresolved"] = ast.unparse(choices_node)
            entry["choices"] = choices
        if around.get(id(call)):
            entry["condition"] = " and ".join(around[id(call)])
        for name in names:
            flags[name] = dict(entry)

    for call in ast.walk(module):
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Name) and func.id == "add_argument":
            names = flag_names(call)
            if names is None:
                continue
            kind = action_kind(tree, path, keyword(call, "action"))
            nargs = literal_text(keyword(call, "nargs"))
            # utils.add_argument passes arg_type as argparse's type; a type= keyword is overridden.
            arg_type = keyword(call, "arg_type")
            value_type = type_name(tree, path, arg_type) if any(k.arg == "arg_type" for k in call.keywords) else "str"
        elif isinstance(func, ast.Name) and func.id == "add_negatable_bool_argument":
            names = flag_names(call)
            if names is None:
                continue
            kind, nargs, value_type = "negatable", None, None
        elif isinstance(func, ast.Attribute) and func.attr == "add_argument":
            names = [literal_text(arg) for arg in call.args]
            names = [name for name in names if name and name.startswith("-")]
            if not names:
                continue
            kind = action_kind(tree, path, keyword(call, "action"))
            nargs = literal_text(keyword(call, "nargs"))
            value_type = type_name(tree, path, keyword(call, "type"))
        else:
            continue
        if not names:
            raise SystemExit(f"{path}:{call.lineno}: a flag whose name is not a literal: {ast.unparse(call)[:120]}")
        if kind == "negatable":
            record(names + [f"--no-{name[2:]}" for name in names if name.startswith("--")], "switch", call, None, None)
        else:
            takes = "switch" if kind == "switch" else "values" if nargs in ("+", "*") or kind == "values" else "value"
            record(names, takes, call, value_type, keyword(call, "choices"))
    return flags


def declaring_modules(tree, root):
    """The root module and what it imports from dynamo's configuration package or its own *args.py."""
    seen, pending = [], [root]
    while pending:
        path = pending.pop()
        if path in seen or tree.module(path) is None:
            continue
        seen.append(path)
        package = root.rsplit("/", 1)[0]
        for target, _ in imports(tree, path).values():
            if "/common/configuration/" in target or (target.startswith(package + "/") and target.endswith("args.py")):
                pending.append(target)
    return seen


def main():
    git_dir, commit, *roots = sys.argv[1:]
    tree = Tree(git_dir, commit)
    flags, modules = {}, []
    for root in roots:
        if tree.module(root) is None:
            raise SystemExit(f"{root} is not at {commit}")
        for path in declaring_modules(tree, root):
            if path not in modules:
                modules.append(path)
                flags.update(declarations(tree, path))
    json.dump({"modules": modules, "flags": dict(sorted(flags.items()))}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
