// A TSX analytics dashboard with recharts and lucide-react, v3 Tailwind classes included.
// @expect svg.recharts-surface
// @expect-text Revenue Overview
// @expect-text $74,600
import React, { useMemo, useState } from "react";
import {
  LineChart, Line, BarChart, Bar, PieChart, Pie, Cell, XAxis, YAxis, CartesianGrid,
  Tooltip, Legend, ResponsiveContainer,
} from "recharts";
import { TrendingUp, Users, DollarSign, ShoppingCart, ArrowUpRight } from "lucide-react";

interface MonthlyData {
  month: string;
  revenue: number;
  orders: number;
}

type Range = "6m" | "12m";

const monthly: MonthlyData[] = [
  { month: "Jan", revenue: 4200, orders: 120 },
  { month: "Feb", revenue: 3800, orders: 98 },
  { month: "Mar", revenue: 5100, orders: 143 },
  { month: "Apr", revenue: 4700, orders: 131 },
  { month: "May", revenue: 6200, orders: 170 },
  { month: "Jun", revenue: 5900, orders: 162 },
  { month: "Jul", revenue: 6800, orders: 181 },
  { month: "Aug", revenue: 7100, orders: 190 },
  { month: "Sep", revenue: 6400, orders: 174 },
  { month: "Oct", revenue: 7300, orders: 199 },
  { month: "Nov", revenue: 8100, orders: 221 },
  { month: "Dec", revenue: 9000, orders: 240 },
];

const channels = [
  { name: "Organic", value: 45 },
  { name: "Paid", value: 25 },
  { name: "Referral", value: 18 },
  { name: "Social", value: 12 },
];
const COLORS = ["#6366f1", "#22c55e", "#f59e0b", "#ec4899"];

function StatCard({ title, value, icon: Icon, change }: { title: string; value: string; icon: React.ElementType; change: string }) {
  return (
    <div className="bg-white rounded-xl shadow-sm p-5 flex items-center justify-between">
      <div>
        <p className="text-sm text-gray-500">{title}</p>
        <p className="text-2xl font-semibold text-gray-900">{value}</p>
        <p className="text-xs text-green-600 flex items-center mt-1"><ArrowUpRight className="w-3 h-3" />{change}</p>
      </div>
      <div className="p-3 rounded-full bg-indigo-100 bg-opacity-75"><Icon className="w-6 h-6 text-indigo-600" /></div>
    </div>
  );
}

export default function Dashboard() {
  const [range, setRange] = useState<Range>("12m");
  const data = useMemo(() => (range === "6m" ? monthly.slice(-6) : monthly), [range]);
  const total = data.reduce((sum, d) => sum + d.revenue, 0);

  return (
    <div className="min-h-screen bg-gray-100 p-6">
      <div className="flex items-center justify-between mb-6">
        <h1 className="text-2xl font-bold text-gray-800">Revenue Overview</h1>
        <select value={range} onChange={(e) => setRange(e.target.value as Range)} className="border rounded-md px-2 py-1">
          <option value="6m">Last 6 months</option>
          <option value="12m">Last 12 months</option>
        </select>
      </div>
      <div className="grid grid-cols-1 md:grid-cols-4 gap-4 mb-6">
        <StatCard title="Revenue" value={`$${total.toLocaleString("en-US")}`} icon={DollarSign} change="12.5%" />
        <StatCard title="Customers" value="2,314" icon={Users} change="4.1%" />
        <StatCard title="Orders" value="2,029" icon={ShoppingCart} change="8.3%" />
        <StatCard title="Growth" value="23%" icon={TrendingUp} change="2.4%" />
      </div>
      <div className="grid grid-cols-1 lg:grid-cols-3 gap-4">
        <div className="bg-white rounded-xl shadow-sm p-4 lg:col-span-2" style={{ height: 320 }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="month" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="revenue" stroke="#6366f1" strokeWidth={2} />
            </LineChart>
          </ResponsiveContainer>
        </div>
        <div className="bg-white rounded-xl shadow-sm p-4" style={{ height: 320 }}>
          <ResponsiveContainer width="100%" height="100%">
            <PieChart>
              <Pie data={channels} dataKey="value" nameKey="name" outerRadius={90} label>
                {channels.map((_, i) => <Cell key={i} fill={COLORS[i % COLORS.length]} />)}
              </Pie>
            </PieChart>
          </ResponsiveContainer>
        </div>
        <div className="bg-white rounded-xl shadow-sm p-4 lg:col-span-3" style={{ height: 260 }}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data}>
              <XAxis dataKey="month" />
              <YAxis />
              <Tooltip />
              <Bar dataKey="orders" fill="#22c55e" radius={[4, 4, 0, 0]} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </div>
    </div>
  );
}
