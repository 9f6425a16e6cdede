// next/navigation and next/router in a single-file preview: one page, so navigation only updates the
// hash (and is reported in the console); the hooks return plausible values.
const log = (what, url) => console.info(`${what}(${JSON.stringify(url)}): the preview shows one page`);

const router = {
  push: (url) => log("router.push", url),
  replace: (url) => log("router.replace", url),
  prefetch: () => Promise.resolve(),
  back: () => log("router.back", ""),
  forward: () => log("router.forward", ""),
  refresh: () => {},
  reload: () => {},
  pathname: "/",
  route: "/",
  asPath: "/",
  query: {},
  isReady: true,
  events: { on() {}, off() {}, emit() {} },
};

export const useRouter = () => router;
export const usePathname = () => "/";
export const useSearchParams = () => new URLSearchParams();
export const useParams = () => ({});
export const useSelectedLayoutSegment = () => null;
export const useSelectedLayoutSegments = () => [];
export function redirect(url) { log("redirect", url); }
export function notFound() { throw new Error("notFound() was called"); }
export default router;
