"""Publishing a canvas at a public, unguessable URL: apps run sandboxed, documents render."""
