// next/image in a single-file preview: a plain <img> (remote images cannot load without a network).
import * as React from "react";

const Image = React.forwardRef(function Image({ src, alt = "", width, height, fill, priority, placeholder, blurDataURL, quality, loader, unoptimized, sizes, style, ...props }, ref) {
  const url = typeof src === "object" && src !== null ? src.src : src;
  const fillStyle = fill ? { position: "absolute", inset: 0, width: "100%", height: "100%", objectFit: "cover" } : {};
  return <img ref={ref} src={url} alt={alt} width={fill ? undefined : width} height={fill ? undefined : height} style={{ ...fillStyle, ...style }} {...props} />;
});
export default Image;
