// A Tailwind landing page in the style models write, with Tailwind v3-only classes (bg-opacity-*,
// text-opacity-*, flex-shrink-0, flex-grow) and a modal with a semi-transparent backdrop.
// @expect section#hero h1
// @expect-text Ship faster with Nimbus
// @click button#open-demo
// @expect div#demo-backdrop
// @then-text Book a demo
import { useState } from "react";
import { Rocket, Shield, Zap, X } from "lucide-react";

const features = [
  { icon: Zap, title: "Blazing fast", text: "Edge caching on every request, automatically." },
  { icon: Shield, title: "Secure by default", text: "SSO, audit logs and encryption at rest." },
  { icon: Rocket, title: "Scales with you", text: "From side project to millions of users." },
];

export default function Landing() {
  const [open, setOpen] = useState(false);
  return (
    <div className="font-sans text-gray-900">
      <nav className="flex items-center justify-between px-8 py-4 bg-white shadow-sm">
        <span className="text-xl font-extrabold text-indigo-600">Nimbus</span>
        <div className="space-x-6 text-sm text-gray-600 hidden md:block">
          <a href="#features" className="hover:text-indigo-600">Features</a>
          <a href="#pricing" className="hover:text-indigo-600">Pricing</a>
        </div>
      </nav>
      <section id="hero" className="relative bg-indigo-700 text-white px-8 py-24 overflow-hidden">
        <div className="absolute inset-0 bg-black bg-opacity-25"></div>
        <div className="relative max-w-3xl mx-auto text-center">
          <h1 className="text-5xl font-extrabold tracking-tight mb-6">Ship faster with Nimbus</h1>
          <p className="text-lg text-white text-opacity-80 mb-8">The deployment platform your team will actually enjoy.</p>
          <button id="open-demo" onClick={() => setOpen(true)}
            className="bg-white text-indigo-700 font-semibold px-6 py-3 rounded-full shadow-lg hover:bg-opacity-90 transition">
            Get a demo
          </button>
        </div>
      </section>
      <section id="features" className="px-8 py-16 bg-gray-50">
        <div className="max-w-5xl mx-auto grid md:grid-cols-3 gap-8">
          {features.map(({ icon: Icon, title, text }) => (
            <div key={title} className="flex items-start gap-4 bg-white rounded-xl p-6 shadow">
              <div className="flex-shrink-0 w-12 h-12 rounded-lg bg-indigo-100 flex items-center justify-center">
                <Icon className="w-6 h-6 text-indigo-600" />
              </div>
              <div className="flex-grow">
                <h3 className="font-semibold text-lg">{title}</h3>
                <p className="text-gray-600 text-sm mt-1">{text}</p>
              </div>
            </div>
          ))}
        </div>
      </section>
      {open && (
        <div id="demo-backdrop" className="fixed inset-0 bg-black bg-opacity-50 flex items-center justify-center z-50">
          <div id="demo-dialog" className="bg-white rounded-2xl p-8 w-full max-w-md relative">
            <button onClick={() => setOpen(false)} className="absolute top-4 right-4 text-gray-400"><X /></button>
            <h2 className="text-2xl font-bold mb-4">Book a demo</h2>
            <input className="w-full border rounded-lg px-3 py-2 mb-3" placeholder="Work email" />
            <button className="w-full bg-indigo-600 text-white rounded-lg py-2">Request</button>
          </div>
        </div>
      )}
    </div>
  );
}
