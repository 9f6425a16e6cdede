// A frame navigating itself; test_security_browser.py fills in the listener URL and the way out.
import { useEffect, useState } from "react";
const L = "%(listener)s";

export default function Leaver() {
  const [step, setStep] = useState("starting");
  useEffect(() => {
    %(how)s
    setTimeout(() => setStep("still here"), 1200);
  }, []);
  return <p id="step">{step}</p>;
}
