// lucide-react's export names → the icon file each one names. build.mjs gives the frame a compact table
// (every icon's file name, plus the names that are not that file name in PascalCase, such as
// Edit → square-pen) and checks at build time that this file decodes it to exactly lucide's exports.
// No imports: build.mjs runs this file in Node.

/** lucide's toPascalCase: "arrow-down-0-1" → "ArrowDown01". */
export function toPascalCase(file) {
  const camel = file.replace(/^([A-Z])|[\s_-]+(\w)/g, (_, first, next) => (next ? next.toUpperCase() : first.toLowerCase()));
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** The table: `files` "a-arrow-down,camera,…", `aliases` "square-pen=Edit,PenBox;…" → Map(name → file). */
export function decodeIconNames(files, aliases) {
  const names = new Map();
  for (const file of files.split(",")) names.set(toPascalCase(file), file);
  for (const entry of aliases ? aliases.split(";") : []) {
    const [file, list] = entry.split("=");
    for (const name of list.split(",")) names.set(name, file);
  }
  return names;
}

/** The file of the icon lucide-react exports as `name` (Camera, CameraIcon, LucideCamera), or null. */
export function iconFile(names, name) {
  return names.get(name)
    ?? (name.endsWith("Icon") ? names.get(name.slice(0, -4)) : undefined)
    ?? (name.startsWith("Lucide") ? names.get(name.slice(6)) : undefined)
    ?? null;
}
