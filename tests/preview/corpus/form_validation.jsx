// A sign-up form with client-side validation: onSubmit with preventDefault must fire in the preview.
// @expect form#signup
// @click button[type="submit"]
// @then-text Please enter your name
// @then-text Enter a valid email address
// @fill input#name => Ada Lovelace
// @fill input#email => ada@example.com
// @fill input#password => analytical-engine-1843
// @click input#terms
// @click button[type="submit"]
// @then-text Welcome aboard, Ada Lovelace!
import React, { useState } from "react";

const initial = { name: "", email: "", password: "", terms: false };

function validate(values) {
  const errors = {};
  if (!values.name.trim()) errors.name = "Please enter your name";
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email)) errors.email = "Enter a valid email address";
  if (values.password.length < 8) errors.password = "Use at least 8 characters";
  if (!values.terms) errors.terms = "You must accept the terms";
  return errors;
}

export default function SignupForm() {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [submitted, setSubmitted] = useState(false);

  const handleChange = (e) => {
    const { name, value, type, checked } = e.target;
    setValues((v) => ({ ...v, [name]: type === "checkbox" ? checked : value }));
  };

  const handleSubmit = (e) => {
    e.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.keys(found).length === 0) setSubmitted(true);
  };

  if (submitted) {
    return <div className="p-10 text-center text-2xl text-green-700">Welcome aboard, {values.name}!</div>;
  }

  const field = (name, label, type = "text") => (
    <div className="mb-4">
      <label htmlFor={name} className="block text-sm font-medium text-gray-700 mb-1">{label}</label>
      <input id={name} name={name} type={type} value={values[name]} onChange={handleChange}
        className={`w-full border rounded-md px-3 py-2 ${errors[name] ? "border-red-500" : "border-gray-300"}`} />
      {errors[name] && <p className="text-red-600 text-sm mt-1">{errors[name]}</p>}
    </div>
  );

  return (
    <div className="min-h-screen bg-gray-50 flex items-center justify-center p-6">
      <form id="signup" onSubmit={handleSubmit} noValidate className="bg-white shadow-md rounded-lg p-8 w-full max-w-sm">
        <h2 className="text-xl font-bold mb-6">Create your account</h2>
        {field("name", "Full name")}
        {field("email", "Email", "email")}
        {field("password", "Password", "password")}
        <label className="flex items-center gap-2 text-sm mb-1">
          <input id="terms" name="terms" type="checkbox" checked={values.terms} onChange={handleChange} /> I accept the terms
        </label>
        {errors.terms && <p className="text-red-600 text-sm mb-2">{errors.terms}</p>}
        <button type="submit" className="w-full mt-4 bg-blue-600 text-white py-2 rounded-md hover:bg-blue-700">Sign up</button>
      </form>
    </div>
  );
}
