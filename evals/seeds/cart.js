// A shopping cart: add items, remove them, and compute the total.

export function addItem(cart, item) {
  // Adding an item that is already there increases its quantity.
  const existing = cart.find((line) => line.id === item.id);
  if (existing) {
    existing.quantity += 1;
    return cart;
  }
  return [...cart, { ...item, quantity: 1 }];
}

export function total(cart) {
  // The total price of everything in the cart.
  return cart.reduce((sum, line) => sum + line.price * line.quantity, 0);
}
