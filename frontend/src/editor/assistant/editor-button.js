// A button drawn inside or over the editor (selection toolbar, suggestion widgets): clicking it never
// takes the editor's focus or selection.
export function editorButton(label, className, title, onClick) {
  const node = document.createElement("button");
  node.type = "button";
  node.className = className;
  node.textContent = label;
  node.title = title;
  node.addEventListener("mousedown", (event) => event.preventDefault());
  node.addEventListener("click", onClick);
  return node;
}
