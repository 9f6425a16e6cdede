// Social links with lucide-react brand icons (Github, Twitter, Linkedin, Youtube) and legacy names.
// @expect svg.lucide-github
// @expect svg.lucide-twitter
// @expect-text Find us online
import React from "react";
import { Github, Twitter, Linkedin, Youtube, Instagram, Facebook, Mail, Home, Edit, AlertCircle, Loader2 as Spinner } from "lucide-react";

const links = [
  { icon: Github, label: "GitHub", href: "https://github.com/example" },
  { icon: Twitter, label: "Twitter", href: "https://twitter.com/example" },
  { icon: Linkedin, label: "LinkedIn", href: "https://linkedin.com/company/example" },
  { icon: Youtube, label: "YouTube", href: "https://youtube.com/@example" },
  { icon: Instagram, label: "Instagram", href: "https://instagram.com/example" },
  { icon: Facebook, label: "Facebook", href: "https://facebook.com/example" },
];

export default function SocialFooter() {
  return (
    <footer className="bg-gray-900 text-gray-300 p-10">
      <div className="flex items-center gap-2 mb-6 text-white">
        <Home className="w-5 h-5" /> <Edit className="w-5 h-5" /> <AlertCircle className="w-5 h-5" />
        <Spinner className="w-5 h-5 animate-spin" />
      </div>
      <h2 className="text-xl font-semibold text-white mb-4">Find us online</h2>
      <ul className="flex flex-wrap gap-4">
        {links.map(({ icon: Icon, label, href }) => (
          <li key={label}>
            <a href={href} target="_blank" rel="noreferrer" className="flex items-center gap-2 hover:text-white">
              <Icon className="w-5 h-5" /> {label}
            </a>
          </li>
        ))}
      </ul>
      <p className="mt-6 flex items-center gap-2"><Mail className="w-4 h-4" /> hello@example.com</p>
    </footer>
  );
}
