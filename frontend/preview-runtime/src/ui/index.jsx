// shadcn/ui look-alikes for generated code that imports `@/components/ui/<name>`.
//
// Models write against shadcn's API (Radix underneath, Tailwind classes on top). These are small,
// dependency-free re-implementations of the same API and classes: every `@/components/ui/*` name maps
// to this one module in the import map, so the components share one React and one set of contexts.
// They aim at "renders and behaves plausibly", not at Radix's full accessibility model.
import * as React from "react";
import { createPortal } from "react-dom";
import { clsx } from "clsx";
import { twMerge } from "tailwind-merge";
import { cva } from "class-variance-authority";
import { Toaster as SonnerToaster } from "sonner";

const {
  createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState,
  forwardRef, cloneElement, isValidElement, Children,
} = React;

export function cn(...inputs) {
  return twMerge(clsx(inputs));
}

// --- helpers ---------------------------------------------------------------------------------------

/** A value that is either controlled (`value` given) or kept here (`defaultValue`). */
function useControllable(value, defaultValue, onChange) {
  const [inner, setInner] = useState(defaultValue);
  const controlled = value !== undefined;
  const current = controlled ? value : inner;
  const set = useCallback((next) => {
    const resolved = typeof next === "function" ? next(current) : next;
    if (!controlled) setInner(resolved);
    if (onChange) onChange(resolved);
  }, [controlled, current, onChange]);
  return [current, set];
}

function composeHandlers(theirs, ours) {
  return (event) => {
    if (theirs) theirs(event);
    if (!event || !event.defaultPrevented) ours(event);
  };
}

function mergeRefs(...refs) {
  return (node) => {
    for (const ref of refs) {
      if (typeof ref === "function") ref(node);
      else if (ref) ref.current = node;
    }
  };
}

/** Radix's Slot: `asChild` renders the child element with our props merged into it. */
export const Slot = forwardRef(function Slot({ children, ...props }, ref) {
  const child = Children.only(children);
  if (!isValidElement(child)) return null;
  const merged = { ...props, ...child.props };
  for (const key of Object.keys(props)) {
    if (/^on[A-Z]/.test(key) && typeof props[key] === "function" && typeof child.props[key] === "function") {
      merged[key] = (...args) => { child.props[key](...args); props[key](...args); };
    }
  }
  merged.className = cn(props.className, child.props.className);
  merged.style = { ...(props.style || {}), ...(child.props.style || {}) };
  merged.ref = ref ? mergeRefs(ref, child.props.ref) : child.props.ref;
  return cloneElement(child, merged);
});

function Trigger({ asChild, children, ...props }, ref) {
  return asChild
    ? <Slot ref={ref} {...props}>{children}</Slot>
    : <button ref={ref} type="button" {...props}>{children}</button>;
}
const TriggerButton = forwardRef(Trigger);

function useOutsideClose(open, setOpen, refs) {
  useEffect(() => {
    if (!open) return undefined;
    const onDown = (event) => {
      if (refs.some((r) => r.current && r.current.contains(event.target))) return;
      setOpen(false);
    };
    const onKey = (event) => { if (event.key === "Escape") setOpen(false); };
    document.addEventListener("mousedown", onDown);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("mousedown", onDown);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);
}

const Portal = ({ children }) => (typeof document === "undefined" ? children : createPortal(children, document.body));

const simple = (Tag, base, displayName) => {
  const C = forwardRef(({ className, ...props }, ref) => <Tag ref={ref} className={cn(base, className)} {...props} />);
  C.displayName = displayName;
  return C;
};

const Check = ({ className }) => (
  <svg className={className} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true"><path d="M20 6 9 17l-5-5" /></svg>
);
const Chevron = ({ className }) => (
  <svg className={className} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true"><path d="m6 9 6 6 6-6" /></svg>
);
const Cross = ({ className }) => (
  <svg className={className} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true"><path d="M18 6 6 18M6 6l12 12" /></svg>
);

// --- button, badge, toggle ---------------------------------------------------------------------------

export const buttonVariants = cva(
  "inline-flex items-center justify-center gap-2 whitespace-nowrap rounded-md text-sm font-medium transition-colors focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-slate-400 disabled:pointer-events-none disabled:opacity-50 [&_svg]:size-4 [&_svg]:shrink-0",
  {
    variants: {
      variant: {
        default: "bg-slate-900 text-white shadow hover:bg-slate-800",
        destructive: "bg-red-600 text-white shadow-sm hover:bg-red-700",
        outline: "border border-slate-200 bg-white shadow-sm hover:bg-slate-100 hover:text-slate-900",
        secondary: "bg-slate-100 text-slate-900 shadow-sm hover:bg-slate-200",
        ghost: "hover:bg-slate-100 hover:text-slate-900",
        link: "text-slate-900 underline-offset-4 hover:underline",
      },
      size: { default: "h-9 px-4 py-2", sm: "h-8 rounded-md px-3 text-xs", lg: "h-10 rounded-md px-8", icon: "h-9 w-9" },
    },
    defaultVariants: { variant: "default", size: "default" },
  },
);

export const Button = forwardRef(function Button({ className, variant, size, asChild = false, ...props }, ref) {
  const Comp = asChild ? Slot : "button";
  return <Comp ref={ref} className={cn(buttonVariants({ variant, size, className }))} {...props} />;
});

export const badgeVariants = cva(
  "inline-flex items-center rounded-md border px-2.5 py-0.5 text-xs font-semibold transition-colors",
  {
    variants: {
      variant: {
        default: "border-transparent bg-slate-900 text-white shadow",
        secondary: "border-transparent bg-slate-100 text-slate-900",
        destructive: "border-transparent bg-red-600 text-white shadow",
        outline: "text-slate-900",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

export function Badge({ className, variant, ...props }) {
  return <div className={cn(badgeVariants({ variant }), className)} {...props} />;
}

export const toggleVariants = cva(
  "inline-flex items-center justify-center gap-2 rounded-md text-sm font-medium transition-colors hover:bg-slate-100 disabled:pointer-events-none disabled:opacity-50 data-[state=on]:bg-slate-100 data-[state=on]:text-slate-900",
  {
    variants: {
      variant: { default: "bg-transparent", outline: "border border-slate-200 bg-transparent shadow-sm" },
      size: { default: "h-9 px-3", sm: "h-8 px-2", lg: "h-10 px-3" },
    },
    defaultVariants: { variant: "default", size: "default" },
  },
);

export const Toggle = forwardRef(function Toggle({ className, variant, size, pressed, defaultPressed = false, onPressedChange, onClick, ...props }, ref) {
  const [on, setOn] = useControllable(pressed, defaultPressed, onPressedChange);
  return (
    <button ref={ref} type="button" aria-pressed={on} data-state={on ? "on" : "off"}
      className={cn(toggleVariants({ variant, size, className }))}
      onClick={composeHandlers(onClick, () => setOn(!on))} {...props} />
  );
});

const ToggleGroupContext = createContext(null);
export const ToggleGroup = forwardRef(function ToggleGroup({ type = "single", value, defaultValue, onValueChange, className, variant, size, children, ...props }, ref) {
  const [current, setCurrent] = useControllable(value, defaultValue ?? (type === "multiple" ? [] : ""), onValueChange);
  const ctx = useMemo(() => ({ type, current, setCurrent, variant, size }), [type, current, setCurrent, variant, size]);
  return (
    <div ref={ref} role="group" className={cn("flex items-center justify-center gap-1", className)} {...props}>
      <ToggleGroupContext.Provider value={ctx}>{children}</ToggleGroupContext.Provider>
    </div>
  );
});
export const ToggleGroupItem = forwardRef(function ToggleGroupItem({ value, className, children, variant, size, ...props }, ref) {
  const ctx = useContext(ToggleGroupContext) || {};
  const on = ctx.type === "multiple" ? (ctx.current || []).includes(value) : ctx.current === value;
  const flip = () => {
    if (ctx.type === "multiple") ctx.setCurrent(on ? ctx.current.filter((v) => v !== value) : [...(ctx.current || []), value]);
    else ctx.setCurrent(on ? "" : value);
  };
  return (
    <button ref={ref} type="button" aria-pressed={on} data-state={on ? "on" : "off"}
      className={cn(toggleVariants({ variant: variant || ctx.variant, size: size || ctx.size }), className)}
      onClick={flip} {...props}>{children}</button>
  );
});

// --- card, inputs, simple blocks ------------------------------------------------------------------------

export const Card = simple("div", "rounded-xl border bg-white text-slate-950 shadow", "Card");
export const CardHeader = simple("div", "flex flex-col space-y-1.5 p-6", "CardHeader");
export const CardTitle = simple("div", "font-semibold leading-none tracking-tight", "CardTitle");
export const CardDescription = simple("div", "text-sm text-slate-500", "CardDescription");
export const CardContent = simple("div", "p-6 pt-0", "CardContent");
export const CardFooter = simple("div", "flex items-center p-6 pt-0", "CardFooter");
export const CardAction = simple("div", "ml-auto self-start", "CardAction");

export const Input = forwardRef(function Input({ className, type, ...props }, ref) {
  return (
    <input type={type} ref={ref} className={cn(
      "flex h-9 w-full rounded-md border border-slate-200 bg-transparent px-3 py-1 text-base shadow-sm transition-colors placeholder:text-slate-500 focus-visible:outline-none focus-visible:ring-1 focus-visible:ring-slate-400 disabled:cursor-not-allowed disabled:opacity-50 md:text-sm",
      className)} {...props} />
  );
});

export const Textarea = forwardRef(function Textarea({ className, ...props }, ref) {
  return (
    <textarea ref={ref} className={cn(
      "flex min-h-[60px] w-full rounded-md border border-slate-200 bg-transparent px-3 py-2 text-base shadow-sm placeholder:text-slate-500 focus-visible:outline-none focus-visible:ring-1 focus-visible:ring-slate-400 disabled:cursor-not-allowed disabled:opacity-50 md:text-sm",
      className)} {...props} />
  );
});

export const Label = simple("label", "text-sm font-medium leading-none peer-disabled:cursor-not-allowed peer-disabled:opacity-70", "Label");

export const Separator = forwardRef(function Separator({ className, orientation = "horizontal", decorative = true, ...props }, ref) {
  return (
    <div ref={ref} role={decorative ? "none" : "separator"} aria-orientation={orientation}
      className={cn("shrink-0 bg-slate-200", orientation === "horizontal" ? "h-[1px] w-full" : "h-full w-[1px]", className)} {...props} />
  );
});

export const Skeleton = simple("div", "animate-pulse rounded-md bg-slate-900/10", "Skeleton");

export const Progress = forwardRef(function Progress({ className, value = 0, max = 100, indicatorClassName, ...props }, ref) {
  const pct = Math.max(0, Math.min(100, ((Number(value) || 0) / (max || 100)) * 100));
  return (
    <div ref={ref} role="progressbar" aria-valuemin={0} aria-valuemax={max} aria-valuenow={value}
      className={cn("relative h-2 w-full overflow-hidden rounded-full bg-slate-900/20", className)} {...props}>
      <div className={cn("h-full w-full flex-1 bg-slate-900 transition-all", indicatorClassName)} style={{ transform: `translateX(-${100 - pct}%)` }} />
    </div>
  );
});

export const AspectRatio = forwardRef(function AspectRatio({ ratio = 1, style, ...props }, ref) {
  return <div ref={ref} style={{ position: "relative", width: "100%", aspectRatio: String(ratio), ...style }} {...props} />;
});

const AvatarContext = createContext(null);
export const Avatar = forwardRef(function Avatar({ className, children, ...props }, ref) {
  const [status, setStatus] = useState("idle");
  return (
    <span ref={ref} className={cn("relative flex h-10 w-10 shrink-0 overflow-hidden rounded-full", className)} {...props}>
      <AvatarContext.Provider value={{ status, setStatus }}>{children}</AvatarContext.Provider>
    </span>
  );
});
export const AvatarImage = forwardRef(function AvatarImage({ className, src, alt = "", ...props }, ref) {
  const ctx = useContext(AvatarContext);
  useLayoutEffect(() => { ctx?.setStatus(src ? "loading" : "error"); }, [src]);
  if (!src || ctx?.status === "error") return null;
  return (
    <img ref={ref} src={src} alt={alt} className={cn("aspect-square h-full w-full", ctx?.status !== "loaded" && "hidden", className)}
      onLoad={() => ctx?.setStatus("loaded")} onError={() => ctx?.setStatus("error")} {...props} />
  );
});
export const AvatarFallback = forwardRef(function AvatarFallback({ className, ...props }, ref) {
  const ctx = useContext(AvatarContext);
  if (ctx?.status === "loaded") return null;
  return <span ref={ref} className={cn("flex h-full w-full items-center justify-center rounded-full bg-slate-100", className)} {...props} />;
});

const alertVariants = cva("relative w-full rounded-lg border px-4 py-3 text-sm [&>svg+div]:translate-y-[-3px] [&>svg]:absolute [&>svg]:left-4 [&>svg]:top-4 [&>svg]:text-slate-950 [&>svg~*]:pl-7", {
  variants: { variant: { default: "bg-white text-slate-950", destructive: "border-red-500/50 text-red-600 [&>svg]:text-red-600" } },
  defaultVariants: { variant: "default" },
});
export const Alert = forwardRef(function Alert({ className, variant, ...props }, ref) {
  return <div ref={ref} role="alert" className={cn(alertVariants({ variant }), className)} {...props} />;
});
export const AlertTitle = simple("h5", "mb-1 font-medium leading-none tracking-tight", "AlertTitle");
export const AlertDescription = simple("div", "text-sm [&_p]:leading-relaxed", "AlertDescription");

// --- switch, checkbox, radio, slider ------------------------------------------------------------------

export const Switch = forwardRef(function Switch({ className, checked, defaultChecked = false, onCheckedChange, disabled, onClick, ...props }, ref) {
  const [on, setOn] = useControllable(checked, defaultChecked, onCheckedChange);
  return (
    <button ref={ref} type="button" role="switch" aria-checked={on} data-state={on ? "checked" : "unchecked"} disabled={disabled}
      className={cn("peer inline-flex h-5 w-9 shrink-0 cursor-pointer items-center rounded-full border-2 border-transparent shadow-sm transition-colors disabled:cursor-not-allowed disabled:opacity-50",
        on ? "bg-slate-900" : "bg-slate-200", className)}
      onClick={composeHandlers(onClick, () => setOn(!on))} {...props}>
      <span className={cn("pointer-events-none block h-4 w-4 rounded-full bg-white shadow-lg ring-0 transition-transform", on ? "translate-x-4" : "translate-x-0")} />
    </button>
  );
});

export const Checkbox = forwardRef(function Checkbox({ className, checked, defaultChecked = false, onCheckedChange, disabled, onClick, ...props }, ref) {
  const [on, setOn] = useControllable(checked, defaultChecked, onCheckedChange);
  return (
    <button ref={ref} type="button" role="checkbox" aria-checked={on === "indeterminate" ? "mixed" : !!on} data-state={on ? "checked" : "unchecked"} disabled={disabled}
      className={cn("peer inline-flex h-4 w-4 shrink-0 items-center justify-center rounded-sm border border-slate-900 shadow focus-visible:outline-none disabled:cursor-not-allowed disabled:opacity-50",
        on && "bg-slate-900 text-white", className)}
      onClick={composeHandlers(onClick, () => setOn(on === true ? false : true))} {...props}>
      {on ? <Check className="h-3.5 w-3.5" /> : null}
    </button>
  );
});

const RadioContext = createContext(null);
export const RadioGroup = forwardRef(function RadioGroup({ className, value, defaultValue, onValueChange, children, disabled, ...props }, ref) {
  const [current, setCurrent] = useControllable(value, defaultValue, onValueChange);
  return (
    <div ref={ref} role="radiogroup" className={cn("grid gap-2", className)} {...props}>
      <RadioContext.Provider value={{ current, setCurrent, disabled }}>{children}</RadioContext.Provider>
    </div>
  );
});
export const RadioGroupItem = forwardRef(function RadioGroupItem({ className, value, disabled, ...props }, ref) {
  const ctx = useContext(RadioContext) || {};
  const on = ctx.current === value;
  return (
    <button ref={ref} type="button" role="radio" aria-checked={on} data-state={on ? "checked" : "unchecked"} disabled={disabled || ctx.disabled}
      className={cn("aspect-square h-4 w-4 rounded-full border border-slate-900 text-slate-900 shadow focus:outline-none disabled:cursor-not-allowed disabled:opacity-50", className)}
      onClick={() => ctx.setCurrent?.(value)} {...props}>
      {on ? <span className="m-auto block h-2 w-2 rounded-full bg-current" /> : null}
    </button>
  );
});

export const Slider = forwardRef(function Slider({ className, value, defaultValue, min = 0, max = 100, step = 1, onValueChange, onValueCommit, disabled, orientation, ...props }, ref) {
  const [values, setValues] = useControllable(value, defaultValue ?? [min], onValueChange);
  const list = Array.isArray(values) ? values : [values];
  return (
    <div ref={ref} className={cn("relative flex w-full touch-none select-none items-center", className)} {...props}>
      {list.map((v, i) => (
        <input key={i} type="range" min={min} max={max} step={step} value={v} disabled={disabled} aria-orientation={orientation}
          className="w-full accent-slate-900 cursor-pointer"
          onChange={(e) => { const next = list.slice(); next[i] = Number(e.target.value); setValues(next); }}
          onPointerUp={() => onValueCommit?.(list)} onKeyUp={() => onValueCommit?.(list)} />
      ))}
    </div>
  );
});

// --- tabs, accordion, collapsible ----------------------------------------------------------------------

const TabsContext = createContext(null);
export const Tabs = forwardRef(function Tabs({ value, defaultValue, onValueChange, className, children, orientation, ...props }, ref) {
  const [current, setCurrent] = useControllable(value, defaultValue, onValueChange);
  return (
    <div ref={ref} className={className} data-orientation={orientation || "horizontal"} {...props}>
      <TabsContext.Provider value={{ current, setCurrent }}>{children}</TabsContext.Provider>
    </div>
  );
});
export const TabsList = forwardRef(function TabsList({ className, ...props }, ref) {
  return <div ref={ref} role="tablist" className={cn("inline-flex h-9 items-center justify-center rounded-lg bg-slate-100 p-1 text-slate-500", className)} {...props} />;
});
export const TabsTrigger = forwardRef(function TabsTrigger({ className, value, onClick, disabled, ...props }, ref) {
  const ctx = useContext(TabsContext) || {};
  const active = ctx.current === value;
  return (
    <button ref={ref} type="button" role="tab" aria-selected={active} data-state={active ? "active" : "inactive"} disabled={disabled}
      className={cn("inline-flex items-center justify-center whitespace-nowrap rounded-md px-3 py-1 text-sm font-medium transition-all disabled:pointer-events-none disabled:opacity-50",
        active && "bg-white text-slate-950 shadow", className)}
      onClick={composeHandlers(onClick, () => ctx.setCurrent?.(value))} {...props} />
  );
});
export const TabsContent = forwardRef(function TabsContent({ className, value, forceMount, ...props }, ref) {
  const ctx = useContext(TabsContext) || {};
  if (ctx.current !== value && !forceMount) return null;
  return <div ref={ref} role="tabpanel" data-state={ctx.current === value ? "active" : "inactive"} hidden={ctx.current !== value} className={cn("mt-2", className)} {...props} />;
});

const AccordionContext = createContext(null);
const AccordionItemContext = createContext(null);
export const Accordion = forwardRef(function Accordion({ type = "single", collapsible, value, defaultValue, onValueChange, className, children, ...props }, ref) {
  const [current, setCurrent] = useControllable(value, defaultValue ?? (type === "multiple" ? [] : ""), onValueChange);
  const isOpen = (v) => (type === "multiple" ? (current || []).includes(v) : current === v);
  const flip = (v) => {
    if (type === "multiple") setCurrent(isOpen(v) ? current.filter((x) => x !== v) : [...(current || []), v]);
    else setCurrent(isOpen(v) ? (collapsible === false ? v : "") : v);
  };
  return <div ref={ref} className={className} {...props}><AccordionContext.Provider value={{ isOpen, flip }}>{children}</AccordionContext.Provider></div>;
});
export const AccordionItem = forwardRef(function AccordionItem({ value, className, ...props }, ref) {
  const ctx = useContext(AccordionContext) || {};
  const open = ctx.isOpen?.(value);
  return (
    <AccordionItemContext.Provider value={{ value, open }}>
      <div ref={ref} data-state={open ? "open" : "closed"} className={cn("border-b", className)} {...props} />
    </AccordionItemContext.Provider>
  );
});
export const AccordionTrigger = forwardRef(function AccordionTrigger({ className, children, ...props }, ref) {
  const ctx = useContext(AccordionContext) || {};
  const item = useContext(AccordionItemContext) || {};
  return (
    <h3 className="flex">
      <button ref={ref} type="button" aria-expanded={!!item.open} data-state={item.open ? "open" : "closed"}
        className={cn("flex flex-1 items-center justify-between py-4 text-sm font-medium transition-all hover:underline text-left", className)}
        onClick={() => ctx.flip?.(item.value)} {...props}>
        {children}
        <Chevron className={cn("h-4 w-4 shrink-0 text-slate-500 transition-transform duration-200", item.open && "rotate-180")} />
      </button>
    </h3>
  );
});
export const AccordionContent = forwardRef(function AccordionContent({ className, children, ...props }, ref) {
  const item = useContext(AccordionItemContext) || {};
  if (!item.open) return null;
  return <div ref={ref} data-state="open" className="overflow-hidden text-sm" {...props}><div className={cn("pb-4 pt-0", className)}>{children}</div></div>;
});

const CollapsibleContext = createContext(null);
export const Collapsible = forwardRef(function Collapsible({ open, defaultOpen = false, onOpenChange, className, children, ...props }, ref) {
  const [isOpen, setOpen] = useControllable(open, defaultOpen, onOpenChange);
  return (
    <div ref={ref} data-state={isOpen ? "open" : "closed"} className={className} {...props}>
      <CollapsibleContext.Provider value={{ isOpen, setOpen }}>{children}</CollapsibleContext.Provider>
    </div>
  );
});
export const CollapsibleTrigger = forwardRef(function CollapsibleTrigger({ onClick, ...props }, ref) {
  const ctx = useContext(CollapsibleContext) || {};
  return <TriggerButton ref={ref} aria-expanded={!!ctx.isOpen} onClick={composeHandlers(onClick, () => ctx.setOpen?.(!ctx.isOpen))} {...props} />;
});
export const CollapsibleContent = forwardRef(function CollapsibleContent(props, ref) {
  const ctx = useContext(CollapsibleContext) || {};
  return ctx.isOpen ? <div ref={ref} data-state="open" {...props} /> : null;
});

// --- overlays: dialog, alert dialog, sheet ----------------------------------------------------------------

const DialogContext = createContext(null);
function DialogRoot({ open, defaultOpen = false, onOpenChange, children }) {
  const [isOpen, setOpen] = useControllable(open, defaultOpen, onOpenChange);
  return <DialogContext.Provider value={{ isOpen, setOpen }}>{children}</DialogContext.Provider>;
}
export const Dialog = DialogRoot;
export const DialogTrigger = forwardRef(function DialogTrigger({ onClick, ...props }, ref) {
  const ctx = useContext(DialogContext) || {};
  return <TriggerButton ref={ref} aria-haspopup="dialog" onClick={composeHandlers(onClick, () => ctx.setOpen?.(true))} {...props} />;
});
export const DialogClose = forwardRef(function DialogClose({ onClick, ...props }, ref) {
  const ctx = useContext(DialogContext) || {};
  return <TriggerButton ref={ref} onClick={composeHandlers(onClick, () => ctx.setOpen?.(false))} {...props} />;
});
export const DialogPortal = ({ children }) => <Portal>{children}</Portal>;
export const DialogOverlay = forwardRef(function DialogOverlay({ className, ...props }, ref) {
  return <div ref={ref} className={cn("fixed inset-0 z-50 bg-black/80", className)} {...props} />;
});

function useEscape(open, close) {
  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event) => { if (event.key === "Escape") close(); };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
}

function Overlayed({ ctx, className, children, panelClass, hideClose, role = "dialog", dismissable = true, ...props }, ref) {
  useEscape(ctx.isOpen, () => dismissable && ctx.setOpen(false));
  if (!ctx.isOpen) return null;
  return (
    <Portal>
      <div className="fixed inset-0 z-50 bg-black/80" data-state="open" onClick={() => dismissable && ctx.setOpen(false)} />
      <div ref={ref} role={role} aria-modal="true" data-state="open" className={cn(panelClass, className)} {...props}>
        {children}
        {hideClose ? null : (
          <button type="button" onClick={() => ctx.setOpen(false)} aria-label="Close"
            className="absolute right-4 top-4 rounded-sm opacity-70 transition-opacity hover:opacity-100">
            <Cross className="h-4 w-4" />
          </button>
        )}
      </div>
    </Portal>
  );
}

export const DialogContent = forwardRef(function DialogContent(props, ref) {
  const ctx = useContext(DialogContext) || { isOpen: false, setOpen() {} };
  return Overlayed({ ctx, ...props, panelClass: "fixed left-[50%] top-[50%] z-50 grid w-full max-w-lg translate-x-[-50%] translate-y-[-50%] gap-4 border bg-white p-6 shadow-lg sm:rounded-lg" }, ref);
});
export const DialogHeader = simple("div", "flex flex-col space-y-1.5 text-center sm:text-left", "DialogHeader");
export const DialogFooter = simple("div", "flex flex-col-reverse sm:flex-row sm:justify-end sm:space-x-2", "DialogFooter");
export const DialogTitle = simple("h2", "text-lg font-semibold leading-none tracking-tight", "DialogTitle");
export const DialogDescription = simple("p", "text-sm text-slate-500", "DialogDescription");

export const AlertDialog = DialogRoot;
export const AlertDialogTrigger = DialogTrigger;
export const AlertDialogPortal = DialogPortal;
export const AlertDialogOverlay = DialogOverlay;
export const AlertDialogContent = forwardRef(function AlertDialogContent(props, ref) {
  const ctx = useContext(DialogContext) || { isOpen: false, setOpen() {} };
  return Overlayed({ ctx, ...props, hideClose: true, role: "alertdialog", dismissable: false,
    panelClass: "fixed left-[50%] top-[50%] z-50 grid w-full max-w-lg translate-x-[-50%] translate-y-[-50%] gap-4 border bg-white p-6 shadow-lg sm:rounded-lg" }, ref);
});
export const AlertDialogHeader = DialogHeader;
export const AlertDialogFooter = DialogFooter;
export const AlertDialogTitle = DialogTitle;
export const AlertDialogDescription = DialogDescription;
export const AlertDialogAction = forwardRef(function AlertDialogAction({ className, onClick, ...props }, ref) {
  const ctx = useContext(DialogContext) || {};
  return <button ref={ref} type="button" className={cn(buttonVariants(), className)} onClick={composeHandlers(onClick, () => ctx.setOpen?.(false))} {...props} />;
});
export const AlertDialogCancel = forwardRef(function AlertDialogCancel({ className, onClick, ...props }, ref) {
  const ctx = useContext(DialogContext) || {};
  return <button ref={ref} type="button" className={cn(buttonVariants({ variant: "outline" }), "mt-2 sm:mt-0", className)} onClick={composeHandlers(onClick, () => ctx.setOpen?.(false))} {...props} />;
});

const SHEET_SIDES = {
  top: "inset-x-0 top-0 border-b",
  bottom: "inset-x-0 bottom-0 border-t",
  left: "inset-y-0 left-0 h-full w-3/4 border-r sm:max-w-sm",
  right: "inset-y-0 right-0 h-full w-3/4 border-l sm:max-w-sm",
};
export const Sheet = DialogRoot;
export const SheetTrigger = DialogTrigger;
export const SheetClose = DialogClose;
export const SheetPortal = DialogPortal;
export const SheetOverlay = DialogOverlay;
export const SheetContent = forwardRef(function SheetContent({ side = "right", ...props }, ref) {
  const ctx = useContext(DialogContext) || { isOpen: false, setOpen() {} };
  return Overlayed({ ctx, ...props, panelClass: cn("fixed z-50 gap-4 bg-white p-6 shadow-lg", SHEET_SIDES[side] || SHEET_SIDES.right) }, ref);
});
export const SheetHeader = simple("div", "flex flex-col space-y-2 text-center sm:text-left", "SheetHeader");
export const SheetFooter = DialogFooter;
export const SheetTitle = simple("h2", "text-lg font-semibold text-slate-950", "SheetTitle");
export const SheetDescription = DialogDescription;

// --- anchored popups: popover, hover card, tooltip, dropdown menu, select -----------------------------------

const PopContext = createContext(null);
function usePop(open, defaultOpen, onOpenChange) {
  const [isOpen, setOpen] = useControllable(open, defaultOpen ?? false, onOpenChange);
  const anchor = useRef(null);
  const content = useRef(null);
  useOutsideClose(isOpen, setOpen, [anchor, content]);
  return { isOpen, setOpen, anchor, content };
}

const ALIGN = { start: "left-0", center: "left-1/2 -translate-x-1/2", end: "right-0" };
function popPosition(side = "bottom", align = "center") {
  const vertical = side === "top" ? "bottom-full mb-2" : side === "left" ? "right-full mr-2 top-0" : side === "right" ? "left-full ml-2 top-0" : "top-full mt-2";
  return cn("absolute z-50", vertical, (side === "top" || side === "bottom") && (ALIGN[align] || ALIGN.center));
}

export function Popover({ open, defaultOpen, onOpenChange, children }) {
  const pop = usePop(open, defaultOpen, onOpenChange);
  return <PopContext.Provider value={pop}><span ref={pop.anchor} className="relative inline-block">{children}</span></PopContext.Provider>;
}
export const PopoverTrigger = forwardRef(function PopoverTrigger({ onClick, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  return <TriggerButton ref={ref} aria-expanded={!!ctx.isOpen} onClick={composeHandlers(onClick, () => ctx.setOpen?.(!ctx.isOpen))} {...props} />;
});
export const PopoverAnchor = ({ children }) => children;
export const PopoverContent = forwardRef(function PopoverContent({ className, side, align = "center", sideOffset, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  if (!ctx.isOpen) return null;
  return <div ref={mergeRefs(ref, ctx.content)} data-state="open" className={cn(popPosition(side, align), "w-72 rounded-md border bg-white p-4 text-slate-950 shadow-md outline-none", className)} {...props} />;
});

export function HoverCard({ children, openDelay = 200, closeDelay = 200 }) {
  const [isOpen, setOpen] = useState(false);
  const timer = useRef(0);
  const later = (value, delay) => { clearTimeout(timer.current); timer.current = setTimeout(() => setOpen(value), delay); };
  return (
    <PopContext.Provider value={{ isOpen, setOpen }}>
      <span className="relative inline-block" onMouseEnter={() => later(true, openDelay)} onMouseLeave={() => later(false, closeDelay)}>{children}</span>
    </PopContext.Provider>
  );
}
export const HoverCardTrigger = forwardRef(function HoverCardTrigger({ asChild, children, ...props }, ref) {
  return asChild ? <Slot ref={ref} {...props}>{children}</Slot> : <span ref={ref} {...props}>{children}</span>;
});
export const HoverCardContent = forwardRef(function HoverCardContent({ className, side, align = "center", sideOffset, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  if (!ctx.isOpen) return null;
  return <div ref={ref} className={cn(popPosition(side, align), "w-64 rounded-md border bg-white p-4 shadow-md", className)} {...props} />;
});

export const TooltipProvider = ({ children }) => children;
export function Tooltip({ children, open, defaultOpen, onOpenChange }) {
  const [isOpen, setOpen] = useControllable(open, defaultOpen ?? false, onOpenChange);
  return (
    <PopContext.Provider value={{ isOpen, setOpen }}>
      <span className="relative inline-flex" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}
        onFocus={() => setOpen(true)} onBlur={() => setOpen(false)}>{children}</span>
    </PopContext.Provider>
  );
}
export const TooltipTrigger = HoverCardTrigger;
export const TooltipContent = forwardRef(function TooltipContent({ className, side = "top", align = "center", sideOffset, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  if (!ctx.isOpen) return null;
  return <div ref={ref} role="tooltip" className={cn(popPosition(side, align), "whitespace-nowrap rounded-md bg-slate-900 px-3 py-1.5 text-xs text-white", className)} {...props} />;
});

export function DropdownMenu({ open, defaultOpen, onOpenChange, children }) {
  const pop = usePop(open, defaultOpen, onOpenChange);
  return <PopContext.Provider value={pop}><span ref={pop.anchor} className="relative inline-block">{children}</span></PopContext.Provider>;
}
export const DropdownMenuTrigger = PopoverTrigger;
export const DropdownMenuContent = forwardRef(function DropdownMenuContent({ className, side, align = "start", sideOffset, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  if (!ctx.isOpen) return null;
  return <div ref={mergeRefs(ref, ctx.content)} role="menu" className={cn(popPosition(side, align), "min-w-[8rem] overflow-hidden rounded-md border bg-white p-1 text-slate-950 shadow-md", className)} {...props} />;
});
export const DropdownMenuItem = forwardRef(function DropdownMenuItem({ className, inset, onSelect, onClick, disabled, asChild, children, ...props }, ref) {
  const ctx = useContext(PopContext) || {};
  const classes = cn("relative flex cursor-default select-none items-center gap-2 rounded-sm px-2 py-1.5 text-sm outline-none transition-colors hover:bg-slate-100 focus:bg-slate-100",
    disabled && "pointer-events-none opacity-50", inset && "pl-8", className);
  const handle = (event) => { onClick?.(event); onSelect?.(event); if (!event.defaultPrevented) ctx.setOpen?.(false); };
  if (asChild) return <Slot ref={ref} role="menuitem" className={classes} onClick={handle} {...props}>{children}</Slot>;
  return <div ref={ref} role="menuitem" tabIndex={-1} aria-disabled={disabled || undefined} className={classes} onClick={handle} {...props}>{children}</div>;
});
export const DropdownMenuCheckboxItem = forwardRef(function DropdownMenuCheckboxItem({ className, checked, onCheckedChange, children, ...props }, ref) {
  return (
    <div ref={ref} role="menuitemcheckbox" aria-checked={!!checked} onClick={() => onCheckedChange?.(!checked)}
      className={cn("relative flex cursor-default select-none items-center rounded-sm py-1.5 pl-8 pr-2 text-sm hover:bg-slate-100", className)} {...props}>
      <span className="absolute left-2 flex h-3.5 w-3.5 items-center justify-center">{checked ? <Check className="h-4 w-4" /> : null}</span>
      {children}
    </div>
  );
});
const RadioMenuContext = createContext(null);
export function DropdownMenuRadioGroup({ value, onValueChange, children }) {
  return <RadioMenuContext.Provider value={{ value, onValueChange }}><div role="group">{children}</div></RadioMenuContext.Provider>;
}
export const DropdownMenuRadioItem = forwardRef(function DropdownMenuRadioItem({ className, value, children, ...props }, ref) {
  const ctx = useContext(RadioMenuContext) || {};
  return (
    <div ref={ref} role="menuitemradio" aria-checked={ctx.value === value} onClick={() => ctx.onValueChange?.(value)}
      className={cn("relative flex cursor-default select-none items-center rounded-sm py-1.5 pl-8 pr-2 text-sm hover:bg-slate-100", className)} {...props}>
      <span className="absolute left-2 flex h-3.5 w-3.5 items-center justify-center">{ctx.value === value ? <span className="h-2 w-2 rounded-full bg-current" /> : null}</span>
      {children}
    </div>
  );
});
export const DropdownMenuLabel = forwardRef(function DropdownMenuLabel({ className, inset, ...props }, ref) {
  return <div ref={ref} className={cn("px-2 py-1.5 text-sm font-semibold", inset && "pl-8", className)} {...props} />;
});
export const DropdownMenuSeparator = simple("div", "-mx-1 my-1 h-px bg-slate-100", "DropdownMenuSeparator");
export const DropdownMenuShortcut = simple("span", "ml-auto text-xs tracking-widest opacity-60", "DropdownMenuShortcut");
export const DropdownMenuGroup = simple("div", "", "DropdownMenuGroup");
export const DropdownMenuPortal = ({ children }) => children;
export const DropdownMenuSub = ({ children }) => children;
export const DropdownMenuSubTrigger = DropdownMenuItem;
export const DropdownMenuSubContent = simple("div", "ml-2 border-l pl-1", "DropdownMenuSubContent");

const SelectContext = createContext(null);
export function Select({ value, defaultValue, onValueChange, open, defaultOpen, onOpenChange, disabled, name, children }) {
  const pop = usePop(open, defaultOpen, onOpenChange);
  const [current, setCurrent] = useControllable(value, defaultValue, onValueChange);
  const [labels, setLabels] = useState({});
  const register = useCallback((v, label) => setLabels((old) => (old[v] === label ? old : { ...old, [v]: label })), []);
  const ctx = { ...pop, current, setCurrent, labels, register, disabled };
  return (
    <SelectContext.Provider value={ctx}>
      <span ref={pop.anchor} className="relative block">{children}</span>
      {name ? <input type="hidden" name={name} value={current ?? ""} /> : null}
    </SelectContext.Provider>
  );
}
export const SelectGroup = simple("div", "", "SelectGroup");
export const SelectValue = forwardRef(function SelectValue({ placeholder, className, ...props }, ref) {
  const ctx = useContext(SelectContext) || {};
  const has = ctx.current !== undefined && ctx.current !== null && ctx.current !== "";
  return <span ref={ref} className={cn("truncate", !has && "text-slate-500", className)} {...props}>{has ? (ctx.labels[ctx.current] ?? String(ctx.current)) : placeholder}</span>;
});
export const SelectTrigger = forwardRef(function SelectTrigger({ className, children, onClick, ...props }, ref) {
  const ctx = useContext(SelectContext) || {};
  return (
    <button ref={ref} type="button" role="combobox" aria-expanded={!!ctx.isOpen} disabled={ctx.disabled}
      className={cn("flex h-9 w-full items-center justify-between whitespace-nowrap rounded-md border border-slate-200 bg-transparent px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-1 focus:ring-slate-400 disabled:cursor-not-allowed disabled:opacity-50", className)}
      onClick={composeHandlers(onClick, () => ctx.setOpen?.(!ctx.isOpen))} {...props}>
      {children}
      <Chevron className="h-4 w-4 opacity-50" />
    </button>
  );
});
export const SelectContent = forwardRef(function SelectContent({ className, children, position, side, align = "start", ...props }, ref) {
  const ctx = useContext(SelectContext) || {};
  // Always rendered (hidden when closed) so the items can tell SelectValue their labels.
  return (
    <div ref={mergeRefs(ref, ctx.content)} role="listbox" hidden={!ctx.isOpen}
      className={cn(popPosition(side, align), "left-0 max-h-96 min-w-[8rem] w-full overflow-auto rounded-md border bg-white p-1 text-slate-950 shadow-md", className)} {...props}>
      {children}
    </div>
  );
});
function textOf(node) {
  if (node === null || node === undefined || typeof node === "boolean") return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (isValidElement(node)) return textOf(node.props.children);
  return "";
}
export const SelectItem = forwardRef(function SelectItem({ className, value, children, disabled, ...props }, ref) {
  const ctx = useContext(SelectContext) || {};
  const label = textOf(children);
  useLayoutEffect(() => { ctx.register?.(value, label); }, [value, label]);
  const selected = ctx.current === value;
  return (
    <div ref={ref} role="option" aria-selected={selected} aria-disabled={disabled || undefined} data-value={value}
      className={cn("relative flex w-full cursor-default select-none items-center rounded-sm py-1.5 pl-2 pr-8 text-sm outline-none hover:bg-slate-100", disabled && "pointer-events-none opacity-50", className)}
      onClick={() => { ctx.setCurrent?.(value); ctx.setOpen?.(false); }} {...props}>
      <span className="absolute right-2 flex h-3.5 w-3.5 items-center justify-center">{selected ? <Check className="h-4 w-4" /> : null}</span>
      {children}
    </div>
  );
});
export const SelectLabel = simple("div", "px-2 py-1.5 text-sm font-semibold", "SelectLabel");
export const SelectSeparator = simple("div", "-mx-1 my-1 h-px bg-slate-100", "SelectSeparator");
export const SelectScrollUpButton = () => null;
export const SelectScrollDownButton = () => null;

// --- scroll area, table ---------------------------------------------------------------------------------

export const ScrollArea = forwardRef(function ScrollArea({ className, children, ...props }, ref) {
  return <div ref={ref} className={cn("relative overflow-auto", className)} {...props}>{children}</div>;
});
export const ScrollBar = () => null;

export const Table = forwardRef(function Table({ className, ...props }, ref) {
  return <div className="relative w-full overflow-auto"><table ref={ref} className={cn("w-full caption-bottom text-sm", className)} {...props} /></div>;
});
export const TableHeader = simple("thead", "[&_tr]:border-b", "TableHeader");
export const TableBody = simple("tbody", "[&_tr:last-child]:border-0", "TableBody");
export const TableFooter = simple("tfoot", "border-t bg-slate-100/50 font-medium", "TableFooter");
export const TableRow = simple("tr", "border-b transition-colors hover:bg-slate-100/50", "TableRow");
export const TableHead = simple("th", "h-10 px-2 text-left align-middle font-medium text-slate-500", "TableHead");
export const TableCell = simple("td", "p-2 align-middle", "TableCell");
export const TableCaption = simple("caption", "mt-4 text-sm text-slate-500", "TableCaption");

// --- toasts: shadcn's use-toast API, rendered next to sonner's Toaster ------------------------------------

let toastCount = 0;
let toastState = [];
const toastListeners = new Set();
function setToasts(next) {
  toastState = next;
  for (const listener of toastListeners) listener(toastState);
}
export function toast({ duration = 4000, ...props } = {}) {
  const id = String(++toastCount);
  const dismiss = () => setToasts(toastState.filter((t) => t.id !== id));
  const update = (next) => setToasts(toastState.map((t) => (t.id === id ? { ...t, ...next } : t)));
  setToasts([{ id, ...props }, ...toastState].slice(0, 3));
  if (duration !== Infinity) setTimeout(dismiss, duration);
  return { id, dismiss, update };
}
export function useToast() {
  const [toasts, set] = useState(toastState);
  useEffect(() => { toastListeners.add(set); return () => toastListeners.delete(set); }, []);
  return { toasts, toast, dismiss: (id) => setToasts(id ? toastState.filter((t) => t.id !== id) : []) };
}
export const ToastProvider = ({ children }) => children;
export const ToastViewport = simple("div", "fixed top-0 z-[100] flex max-h-screen w-full flex-col-reverse p-4 sm:bottom-0 sm:right-0 sm:top-auto sm:flex-col md:max-w-[420px]", "ToastViewport");
export const Toast = forwardRef(function Toast({ className, variant, open, onOpenChange, ...props }, ref) {
  return <div ref={ref} role="status" className={cn("pointer-events-auto relative flex w-full items-center justify-between space-x-2 overflow-hidden rounded-md border p-4 pr-6 shadow-lg mb-2",
    variant === "destructive" ? "border-red-600 bg-red-600 text-white" : "bg-white text-slate-950", className)} {...props} />;
});
export const ToastTitle = simple("div", "text-sm font-semibold", "ToastTitle");
export const ToastDescription = simple("div", "text-sm opacity-90", "ToastDescription");
export const ToastAction = simple("button", "inline-flex h-8 shrink-0 items-center justify-center rounded-md border bg-transparent px-3 text-sm font-medium", "ToastAction");
export const ToastClose = forwardRef(function ToastClose({ className, ...props }, ref) {
  return <button ref={ref} type="button" className={cn("absolute right-1 top-1 rounded-md p-1 opacity-50 hover:opacity-100", className)} {...props}><Cross className="h-4 w-4" /></button>;
});

/** Both `@/components/ui/toaster` (use-toast) and `@/components/ui/sonner` export `Toaster`: one does both. */
export function Toaster(props) {
  const { toasts, dismiss } = useToast();
  return (
    <>
      <SonnerToaster {...props} />
      <ToastViewport>
        {toasts.map(({ id, title, description, action, ...rest }) => (
          <Toast key={id} {...rest}>
            <div className="grid gap-1">
              {title ? <ToastTitle>{title}</ToastTitle> : null}
              {description ? <ToastDescription>{description}</ToastDescription> : null}
            </div>
            {action}
            <ToastClose onClick={() => dismiss(id)} />
          </Toast>
        ))}
      </ToastViewport>
    </>
  );
}

