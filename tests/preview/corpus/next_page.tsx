// A Next.js page as WebDev-Arena models write it (pages/index.tsx): next/head, next/font/google,
// next/image, next/link, next/router, sonner and lucide-react, with Tailwind v3 classes.
// @expect header nav a[href="#pricing"]
// @expect-text Plan your trip
// @click button#book
// @then-text Trip to Lisbon booked
// @then-text Trips booked: 1
"use client";
import Head from "next/head";
import Image from "next/image";
import Link from "next/link";
import { useRouter } from "next/router";
import { Inter } from "next/font/google";
import { useState } from "react";
import { toast, Toaster } from "sonner";
import { MapPin, Plane, Star } from "lucide-react";

const inter = Inter({ subsets: ["latin"] });

type Destination = { city: string; country: string; rating: number; price: number };

const DESTINATIONS: Destination[] = [
  { city: "Lisbon", country: "Portugal", rating: 4.8, price: 420 },
  { city: "Kyoto", country: "Japan", rating: 4.9, price: 980 },
  { city: "Oaxaca", country: "Mexico", rating: 4.7, price: 510 },
];

export default function Home() {
  const router = useRouter();
  const [booked, setBooked] = useState<number>(0);
  const book = (d: Destination) => {
    setBooked((n) => n + 1);
    toast.success(`Trip to ${d.city} booked`);
  };
  return (
    <div className={`${inter.className} min-h-screen bg-gray-50`}>
      <Head>
        <title>Wanderlust · Plan your trip</title>
      </Head>
      <Toaster />
      <header className="flex items-center justify-between px-8 py-4 bg-white shadow-sm">
        <Link href="/" className="flex items-center gap-2 font-bold text-sky-600"><Plane className="w-5 h-5" /> Wanderlust</Link>
        <nav className="space-x-4 text-sm">
          <Link href="#destinations">Destinations</Link>
          <Link href="#pricing">Pricing</Link>
          <button onClick={() => router.push("/account")} className="text-gray-500">Account</button>
        </nav>
      </header>
      <main className="max-w-5xl mx-auto p-8">
        <h1 className="text-4xl font-extrabold mb-2">Plan your trip</h1>
        <p className="text-gray-600 mb-6">Trips booked: {booked}</p>
        <div id="destinations" className="grid md:grid-cols-3 gap-6">
          {DESTINATIONS.map((d, i) => (
            <div key={d.city} className="bg-white rounded-xl shadow overflow-hidden">
              <div className="relative h-32 bg-sky-200 bg-opacity-60">
                <Image src={`https://images.example.com/${d.city}.jpg`} alt={d.city} fill />
              </div>
              <div className="p-4">
                <h2 className="font-semibold flex items-center gap-1"><MapPin className="w-4 h-4" />{d.city}, {d.country}</h2>
                <p className="text-sm text-gray-500 flex items-center gap-1"><Star className="w-4 h-4 text-yellow-400" />{d.rating}</p>
                <button id={i === 0 ? "book" : undefined} onClick={() => book(d)}
                  className="mt-3 w-full bg-sky-600 hover:bg-sky-700 text-white rounded-lg py-2">Book from ${d.price}</button>
              </div>
            </div>
          ))}
        </div>
        <section id="pricing" className="mt-10 text-sm text-gray-500">Prices include flights and four nights.</section>
      </main>
    </div>
  );
}
