// next/link in a single-file preview: a plain <a>; in-page links (#…) still scroll.
import * as React from "react";

const Link = React.forwardRef(function Link({ href, children, replace, scroll, prefetch, shallow, passHref, legacyBehavior, locale, ...props }, ref) {
  const url = typeof href === "object" && href !== null ? `${href.pathname || ""}${href.hash ? `#${href.hash}` : ""}` : String(href ?? "#");
  if (legacyBehavior && React.isValidElement(children)) return React.cloneElement(children, { href: url, ref });
  return <a ref={ref} href={url} {...props}>{children}</a>;
});
export default Link;
