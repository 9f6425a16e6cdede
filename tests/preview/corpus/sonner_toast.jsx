// Toast notifications with sonner: a Toaster and buttons that call toast().
// @expect button#notify
// @click button#notify
// @expect [data-sonner-toast]
// @then-text Event has been created
import React from "react";
import { Toaster, toast } from "sonner";
import { Bell } from "lucide-react";

export default function ToastDemo() {
  return (
    <div className="min-h-screen flex flex-col items-center justify-center gap-4 bg-neutral-50">
      <Toaster position="top-right" richColors />
      <h1 className="text-2xl font-semibold flex items-center gap-2"><Bell className="w-6 h-6" /> Notifications</h1>
      <div className="flex gap-3">
        <button id="notify" className="px-4 py-2 rounded-md bg-black text-white"
          onClick={() => toast.success("Event has been created", { description: "Monday, January 3rd at 6:00pm" })}>
          Show toast
        </button>
        <button className="px-4 py-2 rounded-md border" onClick={() => toast.error("Something went wrong")}>Error toast</button>
      </div>
    </div>
  );
}
