"""A small inventory: items, their stock, and reordering."""

from dataclasses import dataclass


@dataclass
class Item:
    name: str
    stock: int
    minimum: int


def needs_reorder(item: Item) -> bool:
    # Reorder when the stock falls below the minimum quantity.
    return item.stock < item.minimum


def reorder_list(items: list[Item]) -> list[str]:
    # The names of every item that should be ordered again.
    return [item.name for item in items if needs_reorder(item)]
