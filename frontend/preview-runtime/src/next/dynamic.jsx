// next/dynamic in a single-file preview: React.lazy with the loading fallback.
import * as React from "react";

export default function dynamic(loader, options = {}) {
  const Lazy = React.lazy(() => Promise.resolve(loader()).then((mod) => (mod && mod.default ? mod : { default: mod })));
  const Loading = options.loading || (() => null);
  return function DynamicComponent(props) {
    return <React.Suspense fallback={<Loading />}><Lazy {...props} /></React.Suspense>;
  };
}
