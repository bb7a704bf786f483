/**
 * A config key that names a place inside a value (`graph.name`, `list[0]`, `map["a.b"]`), read and set on
 * values as a stack file loads them, the way the Pulumi engine reads and sets them (pulumi/pulumi @
 * 1b5949891b3cefcb9974752b24a5ecef0acc86c8: sdk/go/common/resource/properties_path.go
 * `parsePropertyPath` in strict mode; resource/config/map.go `Map.Get` and `Map.Set` with path set;
 * resource/config/object.go `object.Get` and `object.Set`).
 */

export type PathSegment = string | number;

/** The segments of a path, or why Pulumi would refuse it ("invalid config key path"). */
export function parseKeyPath(path: string): PathSegment[] | { problem: string } {
  const segments: PathSegment[] = [];
  if (path.startsWith(".")) return { problem: "it starts with a '.'" };
  let rest = path;
  while (rest.length > 0) {
    if (rest[0] === ".") {
      rest = rest.slice(1);
      if (rest.length === 0) return { problem: "it ends with a '.'" };
      if (rest[0] === "[") return { problem: "a '.' is followed by '['" };
    } else if (rest[0] === "[") {
      if (rest[1] === '"') {
        let key = "";
        let i = 2;
        for (;;) {
          if (i >= rest.length) return { problem: "a quoted name has no closing quote" };
          if (rest[i] === '"') {
            i++;
            break;
          }
          if (rest[i] === "\\" && rest[i + 1] === '"') {
            key += '"';
            i += 2;
          } else {
            key += rest[i++];
          }
        }
        if (rest[i] !== "]") return { problem: "a quoted name has no closing ']'" };
        segments.push(key);
        rest = rest.slice(i + 1);
      } else {
        const close = rest.indexOf("]");
        if (close === -1) return { problem: "an index has no closing ']'" };
        const index = rest.slice(1, close);
        // strconv.ParseInt(segment, 10, 0): an optional sign, then decimal digits.
        if (index !== "*" && !/^[+-]?[0-9]+$/.test(index)) return { problem: `[${index}] is no array index` };
        segments.push(index === "*" ? "*" : Number(index));
        rest = rest.slice(close + 1);
      }
    } else {
      const end = rest.search(/[.[]/);
      segments.push(end === -1 ? rest : rest.slice(0, end));
      rest = end === -1 ? "" : rest.slice(end);
    }
  }
  if (segments.length === 0) return { problem: "it is empty" };
  if (typeof segments[0] !== "string" || segments[0] === "") return { problem: "its first segment is not a name" };
  return segments;
}

/** A map as a stack file loads it; `{secure: …}` is a secret, which holds nothing that a path can reach. */
function isMap(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    !(Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string")
  );
}

/** What is at `path` inside `value`: `found` false when any segment is missing or leads into a non-container. */
export function getAtPath(value: unknown, path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current)) {
      if (typeof segment !== "number" || segment < 0 || segment >= current.length) return { found: false };
      current = current[segment];
    } else if (isMap(current)) {
      if (typeof segment !== "string" || !Object.hasOwn(current, segment)) return { found: false };
      current = current[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** A copy of the containers, sharing the scalars (GoNumber and the like keep their class); `__proto__` stays a key. */
function copyOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyOf);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copyOf(item)]));
  return value;
}

function put(holder: Record<PathSegment, unknown> | unknown[], segment: PathSegment, value: unknown): void {
  Object.defineProperty(holder, segment, { value, writable: true, enumerable: true, configurable: true });
}

function newContainer(segment: PathSegment): unknown {
  return typeof segment === "number" ? new Array<unknown>(Math.max(segment + 1, 0)).fill(null) : {};
}

/**
 * `root` with `value` put at `path` below it, a new value: Pulumi's `object.Set`. A root that is no
 * container is replaced by one (its COMPAT branch); a missing or null member becomes one; anything
 * else in the way is Pulumi's error, returned as a problem.
 */
export function setAtPath(root: unknown, path: readonly PathSegment[], value: unknown): { value: unknown } | { problem: string } {
  const container = Array.isArray(root) || isMap(root) ? copyOf(root) : newContainer(path[0]);
  let current = container;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const where = path.slice(0, i + 1).join(".");
    const last = i === path.length - 1;
    if (Array.isArray(current)) {
      if (typeof segment !== "number") return { problem: `${where}: the key for an array must be an index` };
      if (segment < 0 || segment > current.length) return { problem: `${where}: the array index is out of range` };
      if (segment === current.length) current.push(null);
    } else if (isMap(current)) {
      if (typeof segment !== "string") return { problem: `${where}: the key for a map must be a name` };
      if (last && Object.keys(current).length === 0 && segment === "secure" && typeof value === "string") {
        return { problem: `${where}: maps with the single key "secure" are reserved for secrets` };
      }
    }
    const holder = current as Record<PathSegment, unknown>;
    if (last) {
      put(holder, segment, value);
      break;
    }
    const next = Object.hasOwn(holder, segment) ? holder[segment] : undefined;
    if (next === null || next === undefined) put(holder, segment, newContainer(path[i + 1]));
    else if (!Array.isArray(next) && !isMap(next)) {
      return { problem: `${where}: expected ${typeof path[i + 1] === "number" ? "an array" : "a map"}` };
    }
    current = holder[segment];
  }
  return { value: container };
}
