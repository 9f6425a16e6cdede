// next/head in a single-file preview: <title> children set document.title, the rest is dropped.
import * as React from "react";

function textOf(node) {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  return React.isValidElement(node) ? textOf(node.props.children) : "";
}

export default function Head({ children }) {
  React.useEffect(() => {
    React.Children.forEach(children, (child) => {
      if (React.isValidElement(child) && child.type === "title") document.title = textOf(child.props.children);
    });
  });
  return null;
}
